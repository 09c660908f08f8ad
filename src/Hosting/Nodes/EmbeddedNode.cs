using System.Threading.Channels;
using Akka.Actor;
using FoolingCluster.Hosting.Jobs;
using FoolingCluster.Hosting.Transport;
using FoolingCluster.Protocol.Messages;
using FoolingCluster.Protocol.Transport;

namespace FoolingCluster.Hosting.Nodes;

/// <summary>
/// The embedded default: the job board and every worker actor in one actor system in this
/// process, with no network. The same actors and messages as a cluster, passed by reference.
/// </summary>
public sealed class EmbeddedNode : IAsyncDisposable
{
    private readonly NodeHost _host;
    private readonly IActorRef _board;

    private EmbeddedNode(NodeHost host, IActorRef board, ChannelReader<WorkerMessage> results)
    {
        _host = host;
        _board = board;
        Coordinator = new ActorCoordinatorTransport(board, results);
    }

    /// <summary>The coordinator's side.</summary>
    public ICoordinatorTransport Coordinator { get; }

    /// <summary>Starts the actor system and the board.</summary>
    /// <param name="log">Receives the board's lines (workers joining, workers lost).</param>
    public static async Task<EmbeddedNode> StartAsync(Action<string>? log, CancellationToken cancel)
    {
        var results = Channel.CreateUnbounded<WorkerMessage>();
        ClusterLog.Sink = log;
        NodeHost host = await NodeHost.StartAsync(_ => { }, cancel).ConfigureAwait(false);
        IActorRef board = host.System.ActorOf(JobBoard.Props(results.Writer, log), "job-board");
        return new EmbeddedNode(host, board, results.Reader);
    }

    /// <summary>A new worker's side, with its own actor.</summary>
    public IWorkerTransport Worker(string workerId) => new ActorWorkerTransport(_host.System, _board, workerId);

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => _host.DisposeAsync();
}
