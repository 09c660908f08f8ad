namespace FoolingCluster.Tensors.Autograd;

/// <summary>
/// While open, ops record nothing on the tape: the inference path. Nests; thread-local.
/// </summary>
public readonly struct NoGradScope : IDisposable
{
    [ThreadStatic]
    private static int t_depth;

    private NoGradScope(bool unused)
    {
        _ = unused;
        t_depth++;
    }

    /// <summary>True while any no-grad scope is open on this thread.</summary>
    public static bool IsActive => t_depth > 0;

    /// <summary>Opens a no-grad scope on the current thread.</summary>
    public static NoGradScope Begin() => new(true);

    /// <summary>Closes the scope.</summary>
    public void Dispose() => t_depth--;
}
