using FoolingCluster.Coordinator.Http;
using FoolingCluster.Hosting.Nodes;
using FoolingCluster.Hosting.Persistence;

namespace FoolingCluster.Hosting.Runs;

/// <summary>How a search is hosted: by <c>fooling run</c> (embedded workers) or <c>fooling coordinator</c> (workers in a cluster).</summary>
/// <param name="Name">The command, for messages ("run" or "coordinator").</param>
/// <param name="Workers">In-process workers (0 for a coordinator, whose workers join its cluster).</param>
/// <param name="Dashboard">Dashboard and HTTP API options; null for none.</param>
/// <param name="Cluster">A coordinator's cluster node settings; null for the in-process actor system.</param>
/// <param name="Advertise">Address workers use to reach the HTTP API, if not the bound one.</param>
public sealed record RunMode(string Name, int Workers, DashboardOptions? Dashboard, NodeSettings? Cluster, string? Advertise)
{
    /// <summary>What runs an ONNX target (<c>--backend</c>); null for the engine, or on resuming, what the run folder's sidecar says.</summary>
    public Models.Checkpoints.ModelBackend? Backend { get; init; }

    /// <summary>Where a coordinator keeps the run's journal: <c>--journal</c>, or null for the SQLite file in the run folder.</summary>
    public JournalStore? Journal { get; init; }

    /// <summary>Workers a coordinator waits for before it runs (<c>--wait-for-workers</c>); 0 runs at once.</summary>
    public int WaitForWorkers { get; init; }

    /// <summary>How long a coordinator's node tries to join its cluster before giving up.</summary>
    public TimeSpan JoinTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Whether this coordinator joins another (<c>--join</c>) and takes the run over only when that one is gone.</summary>
    public bool Standby => Cluster is { Seeds.Count: > 0 };
}
