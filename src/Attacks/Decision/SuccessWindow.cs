namespace FoolingCluster.Attacks.Decision;

/// <summary>
/// The last <c>capacity</c> outcomes of each of N samples (Foolbox's <c>ArrayQueue</c>): the
/// success rates the Boundary attack adapts its step sizes by.
/// </summary>
internal sealed class SuccessWindow
{
    private readonly bool[,] _outcomes;
    private readonly int[] _count;
    private readonly int[] _next;
    private readonly int[] _successes;

    public SuccessWindow(int samples, int capacity)
    {
        _outcomes = new bool[samples, capacity];
        _count = new int[samples];
        _next = new int[samples];
        _successes = new int[samples];
        Capacity = capacity;
    }

    public int Capacity { get; }

    /// <summary>Records an outcome of sample <paramref name="i"/>, forgetting its oldest once full.</summary>
    public void Add(int i, bool success)
    {
        if (_count[i] == Capacity)
        {
            _successes[i] -= _outcomes[i, _next[i]] ? 1 : 0;
        }
        else
        {
            _count[i]++;
        }

        _outcomes[i, _next[i]] = success;
        _successes[i] += success ? 1 : 0;
        _next[i] = (_next[i] + 1) % Capacity;
    }

    /// <summary>Whether sample <paramref name="i"/> has a full window.</summary>
    public bool IsFull(int i) => _count[i] == Capacity;

    /// <summary>Fraction of successes in sample <paramref name="i"/>'s window.</summary>
    public double Rate(int i) => _count[i] == 0 ? 0 : _successes[i] / (double)_count[i];

    /// <summary>Forgets every outcome of sample <paramref name="i"/>.</summary>
    public void Clear(int i)
    {
        _count[i] = 0;
        _next[i] = 0;
        _successes[i] = 0;
    }
}
