namespace FoolingCluster.Tensors;

/// <summary>
/// Collects every tensor created on this thread while it is open and disposes them when it
/// ends, returning their storage to the pool. Scopes nest; a tensor belongs to the innermost.
/// </summary>
/// <example>
/// <code>
/// using (TensorScope.Begin())
/// {
///     Tensor loss = Functional.CrossEntropy(model.Forward(x), labels);
///     loss.Backward();
///     optimiser.Step();
/// } // every intermediate is back in the pool here
/// </code>
/// </example>
public sealed class TensorScope : IDisposable
{
    [ThreadStatic]
    private static TensorScope? t_current;

    private readonly TensorScope? _outer;
    private readonly List<Tensor> _owned = [];
    private bool _disposed;

    private TensorScope(TensorScope? outer) => _outer = outer;

    /// <summary>Opens a scope on the current thread.</summary>
    public static TensorScope Begin()
    {
        var scope = new TensorScope(t_current);
        t_current = scope;
        return scope;
    }

    /// <summary>Number of tensors the scope will dispose.</summary>
    public int Count => _owned.Count;

    internal static void Register(Tensor tensor) => t_current?._owned.Add(tensor);

    /// <summary>
    /// Moves a tensor out of this scope into the enclosing one (or to no scope), so it
    /// survives this scope's end. Returns the tensor for chaining.
    /// </summary>
    public Tensor Keep(Tensor tensor)
    {
        int i = _owned.LastIndexOf(tensor);
        if (i >= 0)
        {
            _owned.RemoveAt(i);
            _outer?._owned.Add(tensor);
        }

        return tensor;
    }

    /// <summary>Disposes every tensor this scope owns.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (t_current == this)
        {
            t_current = _outer;
        }

        foreach (Tensor t in _owned)
        {
            t.Dispose();
        }

        _owned.Clear();
    }
}
