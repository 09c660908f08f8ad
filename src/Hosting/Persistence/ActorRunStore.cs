using Akka.Actor;
using FoolingCluster.Protocol.Messages;
using FoolingCluster.Runs;

namespace FoolingCluster.Hosting.Persistence;

/// <summary>
/// A search's store kept by its <see cref="RunJournal"/> actor: each call waits until the event
/// or snapshot is durable in the journal (SQLite or PostgreSQL). Called from the search's own
/// thread, never from an actor.
/// </summary>
public sealed class ActorRunStore : IRunStore, IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly IActorRef _journal;

    /// <summary>Starts the journal actor of <paramref name="runId"/> in <paramref name="system"/>, whose persistence is <paramref name="store"/>.</summary>
    public ActorRunStore(ActorSystem system, string runId, JournalStore store)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(store);
        _journal = system.ActorOf(RunJournal.Props(runId));
        Description = store.Description;
    }

    /// <inheritdoc/>
    public string Description { get; }

    /// <inheritdoc/>
    public StoredRun Load()
    {
        RecoveredRun recovered = Wait(_journal.Ask<RecoveredRun>(RunJournal.RecoveredQuery.Instance, Patience));
        return new StoredRun(recovered.Snapshot, recovered.Generations);
    }

    /// <inheritdoc/>
    public void AppendGeneration(JournalRecordMessage record) => Wait(_journal.Ask<RunJournal.Persisted>(record, Patience));

    /// <inheritdoc/>
    public void SaveSnapshot(ArchiveSnapshotMessage snapshot) => Wait(_journal.Ask<RunJournal.Persisted>(snapshot, Patience));

    /// <inheritdoc/>
    public void Dispose() => _journal.Tell(PoisonPill.Instance);

    private T Wait<T>(Task<T> task)
    {
        try
        {
            return task.GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is AskTimeoutException or TaskCanceledException)
        {
            throw new IOException($"the run's journal ({Description}) did not confirm within {Patience.TotalSeconds:F0} s", ex);
        }
    }
}
