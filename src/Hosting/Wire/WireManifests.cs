using System.Collections.Frozen;
using FoolingCluster.Protocol.Messages;
using Google.Protobuf;

namespace FoolingCluster.Hosting.Wire;

/// <summary>
/// The messages that cross between nodes and the stable names they travel under. A name, once
/// used, keeps its meaning: a changed message gets a new name, so an old node refuses it
/// instead of misreading it.
/// </summary>
public static class WireManifests
{
    private static readonly (string Manifest, Type Type, MessageParser Parser)[] Messages =
    [
        ("job-request", typeof(JobRequestMessage), JobRequestMessage.Parser),
        ("job", typeof(JobMessage), JobMessage.Parser),
        ("job-release", typeof(JobReleaseMessage), JobReleaseMessage.Parser),
        ("worker", typeof(WorkerMessage), WorkerMessage.Parser),
        ("control", typeof(ControlMessage), ControlMessage.Parser),

        // A run as the dashboards of other coordinator-role nodes read and command it.
        ("run-view-query", typeof(RunViewQuery), RunViewQuery.Parser),
        ("run-view", typeof(RunViewMessage), RunViewMessage.Parser),
        ("run-control", typeof(RunControlRequest), RunControlRequest.Parser),
        ("run-control-reply", typeof(RunControlReply), RunControlReply.Parser),
        ("run-export", typeof(RunExportRequest), RunExportRequest.Parser),
        ("run-export-reply", typeof(RunExportReply), RunExportReply.Parser),

        // A run's durable state: one event per merged generation, and snapshots.
        ("generation-merged", typeof(JournalRecordMessage), JournalRecordMessage.Parser),
        ("archive-snapshot", typeof(ArchiveSnapshotMessage), ArchiveSnapshotMessage.Parser),
    ];

    private static readonly FrozenDictionary<string, MessageParser> Parsers = Messages.ToFrozenDictionary(m => m.Manifest, m => m.Parser);
    private static readonly FrozenDictionary<Type, string> Names = Messages.ToFrozenDictionary(m => m.Type, m => m.Manifest);

    /// <summary>Every message type the wire serializer is bound to.</summary>
    public static IEnumerable<Type> Types => Messages.Select(m => m.Type);

    /// <summary>The manifest of <paramref name="type"/>, or null when it is not a cluster message.</summary>
    public static string? ManifestOf(Type type) => Names.GetValueOrDefault(type);

    /// <summary>The parser for <paramref name="manifest"/>, or null when no message has that name.</summary>
    public static MessageParser? ParserOf(string manifest) => Parsers.GetValueOrDefault(manifest);
}
