namespace FoolingCluster.Coordinator.Http;

/// <summary>
/// The latest <see cref="RunSnapshot"/> of a run view and a task for the next one: what every
/// <see cref="IRunView"/> hands its readers (the page's stream waits on <see cref="NextAsync"/>).
/// </summary>
public sealed class SnapshotFeed(RunSnapshot first)
{
    private readonly Lock _publishing = new();
    private RunSnapshot _current = first;
    private TaskCompletionSource<RunSnapshot> _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The latest snapshot.</summary>
    public RunSnapshot Current => Volatile.Read(ref _current);

    /// <summary>Completes with the next snapshot published.</summary>
    public Task<RunSnapshot> NextAsync(CancellationToken cancel) => Volatile.Read(ref _next).Task.WaitAsync(cancel);

    /// <summary>
    /// Swaps in <paramref name="next"/>(the current snapshot). One publisher at a time, so two
    /// changes made together (a generation and a button) can neither bring back an older
    /// snapshot nor lose one of them.
    /// </summary>
    public void Publish(Func<RunSnapshot, RunSnapshot> next)
    {
        ArgumentNullException.ThrowIfNull(next);
        TaskCompletionSource<RunSnapshot> previous;
        RunSnapshot snapshot;
        lock (_publishing)
        {
            snapshot = next(Current);
            Volatile.Write(ref _current, snapshot);
            previous = Interlocked.Exchange(ref _next, new TaskCompletionSource<RunSnapshot>(TaskCreationOptions.RunContinuationsAsynchronously));
        }

        previous.TrySetResult(snapshot);
    }
}
