using Akka.Actor;
using Akka.Cluster.Hosting;
using FoolingCluster.Hosting.Jobs;
using FoolingCluster.Hosting.Transport;
using FoolingCluster.Worker.Transport;

namespace FoolingCluster.Hosting.Nodes;

/// <summary>A worker-role cluster node: its worker actors reach the coordinator's job board through the singleton's proxy.</summary>
public sealed class WorkerNode : IAsyncDisposable
{
    private readonly NodeHost _host;

    private readonly TaskCompletionSource _lost = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private WorkerNode(NodeHost host, TimeSpan grace)
    {
        _host = host;
        host.System.ActorOf(CoordinatorWatch.Props(_lost, grace), "coordinator-watch");

        // A node downed by the others (it stopped answering for too long) shuts its system down.
        host.System.WhenTerminated.ContinueWith(_ => _lost.TrySetResult(), TaskScheduler.Default);
    }

    /// <summary>
    /// Completes when this node has had no reachable coordinator for the grace period given at
    /// start, or was removed from the cluster: the worker should join again through its seeds.
    /// </summary>
    public Task CoordinatorLost => _lost.Task;

    /// <summary>Starts the node and joins the cluster through its seeds.</summary>
    /// <param name="settings">Where to listen (port 0: any) and which seeds to join.</param>
    /// <param name="joinTimeout">How long to wait for the cluster before giving up.</param>
    /// <param name="coordinatorGrace">How long the cluster may be without a coordinator before <see cref="CoordinatorLost"/> completes.</param>
    /// <param name="log">Receives the cluster's warnings.</param>
    public static async Task<WorkerNode> StartAsync(NodeSettings settings, TimeSpan joinTimeout, TimeSpan coordinatorGrace, Action<string>? log, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ClusterLog.Sink = log;
        NodeHost host = await ClusterMembership.StartJoinedAsync(
            builder => builder
                .WithClusterNode(settings, ClusterComposition.WorkerRole)
                .WithSingletonProxy<JobBoard>(ClusterComposition.BoardName, new ClusterSingletonOptions { Role = ClusterComposition.CoordinatorRole }),
            settings,
            joinTimeout,
            cancel).ConfigureAwait(false);
        return new WorkerNode(host, coordinatorGrace);
    }

    /// <summary>A new worker's side, with its own actor on this node.</summary>
    public IWorkerTransport Worker(string workerId) => new ActorWorkerTransport(_host.System, _host.Registry.Get<JobBoard>(), workerId);

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => _host.DisposeAsync();
}
