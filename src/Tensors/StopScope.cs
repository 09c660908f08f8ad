namespace FoolingCluster.Tensors;

/// <summary>
/// The cancellation token a model observes while it runs, for models where one call is long
/// enough that a stop should not wait for it to end (ABS decodes and optimises for seconds per
/// batch). Whoever calls a model with a token in hand (an evaluation between batches, an
/// attack before each question it asks) opens a scope around the call; such a model reads
/// <see cref="Current"/> and throws <see cref="OperationCanceledException"/> at its next safe
/// point once the token is cancelled. Nests; thread-local, like <see cref="TensorScope"/>.
/// </summary>
/// <remarks>
/// A scope changes nothing when no stop comes: the model computes exactly what it computes
/// without one. Models that return quickly need not look at it.
/// </remarks>
public readonly struct StopScope : IDisposable
{
    [ThreadStatic]
    private static CancellationToken t_current;

    private readonly CancellationToken _outer;

    private StopScope(CancellationToken cancel)
    {
        _outer = t_current;
        t_current = cancel;
    }

    /// <summary>The token of the innermost open scope on this thread; <see cref="CancellationToken.None"/> when there is none.</summary>
    public static CancellationToken Current => t_current;

    /// <summary>Makes <paramref name="cancel"/> the token models observe on this thread until the scope is disposed.</summary>
    /// <param name="cancel">The caller's token; one that cannot be cancelled leaves the outer scope's token in force.</param>
    public static StopScope Begin(CancellationToken cancel) => new(cancel.CanBeCanceled ? cancel : t_current);

    /// <summary>Restores the token of the enclosing scope.</summary>
    public void Dispose() => t_current = _outer;
}
