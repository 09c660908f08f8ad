using FoolingCluster.Protocol.Messages;

namespace FoolingCluster.Runs;

/// <summary>
/// Where a search's durable state is kept: one record per merged generation and snapshots of
/// the whole archive. Both calls return once the state is durable, so a search killed at any
/// moment resumes from its last merged generation.
/// </summary>
public interface IRunStore
{
    /// <summary>Where the state is, for messages.</summary>
    string Description { get; }

    /// <summary>The last snapshot and the generations merged after it.</summary>
    StoredRun Load();

    /// <summary>
    /// Every merged generation the store still holds, from the first, snapshots aside: the
    /// history rows and found images they carry rebuild a run folder that lacks them. A store
    /// that drops generations once a snapshot covers them returns only those after it.
    /// </summary>
    IReadOnlyList<JournalRecordMessage> LoadEveryGeneration();

    /// <summary>Keeps the generation just merged.</summary>
    void AppendGeneration(JournalRecordMessage record);

    /// <summary>Keeps a snapshot; the generations before it are no longer needed.</summary>
    void SaveSnapshot(ArchiveSnapshotMessage snapshot);
}

/// <summary>A search's stored state.</summary>
/// <param name="Snapshot">The last snapshot, or null before the first.</param>
/// <param name="Generations">The generations merged after it, in order.</param>
public sealed record StoredRun(ArchiveSnapshotMessage? Snapshot, IReadOnlyList<JournalRecordMessage> Generations)
{
    /// <summary>Whether nothing was stored yet.</summary>
    public bool IsEmpty => Snapshot is null && Generations.Count == 0;
}
