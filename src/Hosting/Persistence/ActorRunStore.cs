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
    private readonly ActorSystem _system;
    private readonly string _runId;

    /// <summary>Starts the journal actor of <paramref name="runId"/> in <paramref name="system"/>, whose persistence is <paramref name="store"/>.</summary>
    public ActorRunStore(ActorSystem system, string runId, JournalStore store)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(store);
        _system = system;
        _runId = runId;

        // A journal outside the run folder is shared with standby coordinators, whose copies of
        // the folder are rebuilt from every generation's event.
        _journal = system.ActorOf(RunJournal.Props(runId, keepGenerations: store.Address is not null));
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
    public IReadOnlyList<JournalRecordMessage> LoadEveryGeneration()
    {
        var read = new TaskCompletionSource<IReadOnlyList<JournalRecordMessage>>(TaskCreationOptions.RunContinuationsAsynchronously);
        _system.ActorOf(RunJournalReader.Props(_runId, read));
        return Wait(read.Task.WaitAsync(Patience));
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
        catch (Exception ex) when (ex is AskTimeoutException or TaskCanceledException or TimeoutException)
        {
            throw new IOException($"the run's journal ({Description}) did not confirm within {Patience.TotalSeconds:F0} s", ex);
        }
    }
}
