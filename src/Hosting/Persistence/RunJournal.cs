using Akka.Actor;
using Akka.Persistence;
using FoolingCluster.Protocol.Messages;

namespace FoolingCluster.Hosting.Persistence;

/// <summary>
/// A run's durable state as a persistent actor: one event per merged generation
/// (<see cref="JournalRecordMessage"/>: the elites that changed, the generator's state and the
/// counters after it) and snapshots of the whole archive (<see cref="ArchiveSnapshotMessage"/>).
/// Recovery gives the last snapshot and the events after it, from which the search is rebuilt
/// exactly as it was after its last merged generation. A snapshot makes the events before it
/// unnecessary for that, so a run folder's own journal deletes them once it is saved; a journal
/// shared with a standby coordinator keeps them, since their history rows and found images
/// rebuild the standby's copy of the run folder (<see cref="RunJournalReader"/>).
/// </summary>
public sealed class RunJournal : ReceivePersistentActor
{
    private readonly string _persistenceId;
    private readonly List<JournalRecordMessage> _events = [];
    private ArchiveSnapshotMessage? _snapshot;
    private IActorRef? _snapshotRequester;
    private long _snapshotSequenceNr;

    /// <param name="runId">The run's id; its persistence id is derived from it, so every coordinator of the run finds the same journal.</param>
    /// <param name="keepGenerations">Whether events stay after a snapshot covers them.</param>
    public RunJournal(string runId, bool keepGenerations)
    {
        _persistenceId = PersistenceIdOf(runId);
        Recover<SnapshotOffer>(offer =>
        {
            _snapshot = (ArchiveSnapshotMessage)offer.Snapshot;
            _events.Clear();
        });
        Recover<JournalRecordMessage>(_events.Add);
        Command<JournalRecordMessage>(record => Persist(record, persisted =>
        {
            _events.Add(persisted);
            Sender.Tell(Persisted.Instance);
        }));
        Command<ArchiveSnapshotMessage>(snapshot =>
        {
            _snapshot = snapshot;
            _snapshotRequester = Sender;
            _snapshotSequenceNr = LastSequenceNr;
            SaveSnapshot(snapshot);
        });
        Command<SaveSnapshotSuccess>(success =>
        {
            _events.Clear();
            if (!keepGenerations)
            {
                DeleteMessages(success.Metadata.SequenceNr);
            }

            DeleteSnapshots(new SnapshotSelectionCriteria(success.Metadata.SequenceNr - 1));
            _snapshotRequester?.Tell(Persisted.Instance);
            _snapshotRequester = null;
        });
        Command<SaveSnapshotFailure>(failure =>
        {
            _snapshotRequester?.Tell(new Status.Failure(failure.Cause));
            _snapshotRequester = null;
        });
        Command<DeleteMessagesSuccess>(_ => { });
        Command<DeleteMessagesFailure>(_ => { });
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(_ => { });
        Command<RecoveredQuery>(_ => Sender.Tell(new RecoveredRun(_snapshot, [.. _events])));
    }

    /// <inheritdoc/>
    public override string PersistenceId => _persistenceId;

    /// <summary>The persistence id of run <paramref name="runId"/>.</summary>
    public static string PersistenceIdOf(string runId) => $"run-{runId}";

    /// <summary>Props for the journal of run <paramref name="runId"/>.</summary>
    public static Props Props(string runId, bool keepGenerations) => Akka.Actor.Props.Create(() => new RunJournal(runId, keepGenerations));

    /// <summary>Asks for what recovery found: a <see cref="RecoveredRun"/>.</summary>
    public sealed class RecoveredQuery
    {
        /// <summary>The one instance.</summary>
        public static RecoveredQuery Instance { get; } = new();
    }

    /// <summary>The reply once an event or a snapshot is durable.</summary>
    public sealed class Persisted
    {
        /// <summary>The one instance.</summary>
        public static Persisted Instance { get; } = new();
    }
}

/// <summary>A run's state as recovered: the last snapshot (null before the first) and the generations merged after it, in order.</summary>
public sealed record RecoveredRun(ArchiveSnapshotMessage? Snapshot, IReadOnlyList<JournalRecordMessage> Generations);
