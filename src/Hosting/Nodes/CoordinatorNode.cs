using System.Threading.Channels;
using Akka.Actor;
using Akka.Cluster.Hosting;
using FoolingCluster.Coordinator.Http;
using FoolingCluster.Coordinator.Transport;
using FoolingCluster.Hosting.Jobs;
using FoolingCluster.Hosting.Persistence;
using FoolingCluster.Hosting.Transport;
using FoolingCluster.Hosting.Views;
using FoolingCluster.Protocol.Messages;

namespace FoolingCluster.Hosting.Nodes;

/// <summary>
/// A coordinator-role cluster node: it hosts the job board as a cluster singleton (on the
/// oldest coordinator-role node) and talks to it through the singleton's proxy.
/// </summary>
public sealed class CoordinatorNode : IAsyncDisposable
{
    private readonly NodeHost _host;

    private readonly JournalStore? _journal;
    private readonly Task _active;

    private CoordinatorNode(NodeHost host, ChannelReader<WorkerMessage> results, JournalStore? journal, Task active)
    {
        _active = active;
        _host = host;
        _journal = journal;
        Coordinator = new ActorCoordinatorTransport(host.Registry.Get<JobBoard>(), results);
        Akka.Actor.Address self = Akka.Cluster.Cluster.Get(host.System).SelfAddress;
        Address = new NodeAddress(self.Host ?? "", self.Port ?? 0);
    }

    /// <summary>
    /// Completes when this node hosts the job board singleton: at once on the cluster's first
    /// coordinator, and on a standby when the active coordinator's node is gone.
    /// </summary>
    public Task Active => _active;

    /// <summary>The coordinator's side of the cluster.</summary>
    public ICoordinatorTransport Coordinator { get; }

    /// <summary>Where this node listens (the port chosen, when 0 was asked for): what workers give as their seed.</summary>
    public NodeAddress Address { get; }

    /// <summary>Starts the node, joins (or forms) the cluster and starts the board singleton.</summary>
    /// <param name="settings">Where to listen and which seeds to join.</param>
    /// <param name="joinTimeout">How long to wait for the cluster before giving up.</param>
    /// <param name="log">Receives the board's lines and the cluster's warnings.</param>
    /// <param name="journal">Where runs' journals are kept, or null for a node that keeps none (a robustness evaluation, ABS training).</param>
    public static async Task<CoordinatorNode> StartAsync(NodeSettings settings, TimeSpan joinTimeout, Action<string>? log, CancellationToken cancel, JournalStore? journal = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var results = Channel.CreateUnbounded<WorkerMessage>();
        var active = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ClusterLog.Sink = log;
        NodeHost host = await ClusterMembership.StartJoinedAsync(
            builder => (journal?.AddTo(builder) ?? builder)
                .WithClusterNode(settings, ClusterComposition.CoordinatorRole)
                .WithSingleton<JobBoard>(ClusterComposition.BoardName, JobBoard.Props(results.Writer, log, onCluster: true, started: () => active.TrySetResult()), new ClusterSingletonOptions { Role = ClusterComposition.CoordinatorRole }),
            settings,
            joinTimeout,
            cancel).ConfigureAwait(false);
        return new CoordinatorNode(host, results.Reader, journal, active.Task);
    }

    /// <summary>
    /// Serves <paramref name="view"/>, the run this node now runs as the active coordinator, to
    /// the dashboards of the other coordinator-role nodes (<see cref="FollowActive"/>).
    /// </summary>
    public void Serve(IRunView view) => _host.Registry.Get<JobBoard>().Tell(new RunViewServer.Serve(view));

    /// <summary>
    /// The run of the active coordinator, wherever it runs, as this node's dashboard shows it
    /// while it stands by: read through the board singleton's proxy about once a second.
    /// </summary>
    /// <param name="model">This node's copy of the run's model (workers may fetch it here).</param>
    /// <param name="placeholder">What the dashboard shows before the active coordinator answers.</param>
    /// <param name="log">Receives a line when its answers stop coming or come back.</param>
    public ProxiedRunView FollowActive((string WeightsPath, string SidecarPath, string Sha256) model, RunSnapshot placeholder, Action<string>? log) =>
        new(_host.Registry.Get<JobBoard>(), model, placeholder, TimeSpan.FromSeconds(1), $"the standby coordinator at {Address}", log);

    /// <summary>Asks the board what it holds.</summary>
    public Task<BoardStatus> BoardStatusAsync(TimeSpan timeout) => _host.Registry.Get<JobBoard>().Ask<BoardStatus>(BoardStatusQuery.Instance, timeout);

    /// <summary>The store of run <paramref name="runId"/> in this node's journal.</summary>
    /// <exception cref="InvalidOperationException">The node was started without a journal.</exception>
    public ActorRunStore RunStore(string runId) =>
        new(_host.System, runId, _journal ?? throw new InvalidOperationException("this node was started without a journal"));

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => _host.DisposeAsync();
}
