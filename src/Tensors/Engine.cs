namespace FoolingCluster.Tensors;

/// <summary>Process-wide settings of the numerical engine.</summary>
public static class Engine
{
    private static int s_threads = Environment.ProcessorCount;

    /// <summary>This thread's own limit while <see cref="OnThisThread"/> holds one; 0 otherwise.</summary>
    [ThreadStatic]
    private static int t_threads;

    /// <summary>
    /// Threads a single kernel call may use (GEMM, convolution). Defaults to the core count; a
    /// caller that already parallelises over a batch gives its workers their own limit with
    /// <see cref="OnThisThread"/>, which setting this does not change.
    /// </summary>
    public static int Threads
    {
        get => t_threads > 0 ? t_threads : s_threads;
        set => s_threads = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "threads must be at least 1");
    }

    /// <summary>
    /// Limits the kernels called on this thread to <paramref name="threads"/> until the returned
    /// scope is disposed, leaving every other thread's limit alone: a caller running work items
    /// side by side (one model per core) must not change how kernels elsewhere in the process
    /// split their work, since a split of partial sums changes their last bits.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threads"/> is below 1.</exception>
    public static ThreadLimit OnThisThread(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        int previous = t_threads;
        t_threads = threads;
        return new ThreadLimit(previous);
    }

    /// <summary>Puts back this thread's previous limit when disposed (on the thread that made it).</summary>
    public readonly struct ThreadLimit : IDisposable
    {
        private readonly int _previous;

        internal ThreadLimit(int previous) => _previous = previous;

        /// <inheritdoc/>
        public void Dispose() => t_threads = _previous;
    }

    /// <summary>
    /// Runs <paramref name="body"/>(i) for every i in <c>[0, count)</c> on the calling thread and
    /// the engine's own worker threads, <see cref="Threads"/> at most: the split the kernels use,
    /// for callers whose work sits between kernel calls (drawing a batch of images).
    /// </summary>
    /// <exception cref="Exception">The first exception an item threw, as it was thrown.</exception>
    public static void ParallelFor(int count, Action<int> body) => Kernels.WorkerTeam.For(count, Threads, body);
}
