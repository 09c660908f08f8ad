using Akka.Actor;
using Akka.Persistence;
using FoolingCluster.Protocol.Messages;

namespace FoolingCluster.Hosting.Persistence;

/// <summary>
/// Reads every generation a run's journal still holds, from the first, ignoring snapshots, then
/// stops: the history rows and found images a run folder may lack. It only reads, so it may
/// recover beside the run's <see cref="RunJournal"/>, which writes.
/// </summary>
internal sealed class RunJournalReader : ReceivePersistentActor
{
    private readonly string _persistenceId;
    private readonly List<JournalRecordMessage> _events = [];

    public RunJournalReader(string runId, TaskCompletionSource<IReadOnlyList<JournalRecordMessage>> read)
    {
        _persistenceId = RunJournal.PersistenceIdOf(runId);
        Recover<JournalRecordMessage>(_events.Add);
        Recover<RecoveryCompleted>(_ =>
        {
            read.TrySetResult(_events);
            Context.Stop(Self);
        });
    }

    /// <inheritdoc/>
    public override string PersistenceId => _persistenceId;

    /// <summary>Every event, no snapshot.</summary>
    public override Recovery Recovery => new(SnapshotSelectionCriteria.None);

    public static Props Props(string runId, TaskCompletionSource<IReadOnlyList<JournalRecordMessage>> read) =>
        Akka.Actor.Props.Create(() => new RunJournalReader(runId, read));
}
