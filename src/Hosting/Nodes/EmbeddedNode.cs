using System.Threading.Channels;
using Akka.Actor;
using FoolingCluster.Coordinator.Transport;
using FoolingCluster.Hosting.Jobs;
using FoolingCluster.Hosting.Persistence;
using FoolingCluster.Hosting.Transport;
using FoolingCluster.Protocol.Messages;
using FoolingCluster.Worker.Transport;

namespace FoolingCluster.Hosting.Nodes;

/// <summary>
/// The embedded default: the job board and every worker actor in one actor system in this
/// process, with no network. The same actors and messages as a cluster, passed by reference.
/// </summary>
public sealed class EmbeddedNode : IAsyncDisposable
{
    private readonly NodeHost _host;
    private readonly IActorRef _board;
    private readonly JournalStore? _journal;

    private EmbeddedNode(NodeHost host, IActorRef board, ChannelReader<WorkerMessage> results, JournalStore? journal)
    {
        _host = host;
        _journal = journal;
        _board = board;
        Coordinator = new ActorCoordinatorTransport(board, results);
    }

    /// <summary>The coordinator's side.</summary>
    public ICoordinatorTransport Coordinator { get; }

    /// <summary>Starts the actor system and the board.</summary>
    /// <param name="log">Receives the board's lines (workers joining, workers lost).</param>
    /// <param name="journal">Where runs' journals are kept, or null for a node that keeps none.</param>
    public static async Task<EmbeddedNode> StartAsync(Action<string>? log, CancellationToken cancel, JournalStore? journal = null)
    {
        var results = Channel.CreateUnbounded<WorkerMessage>();
        ClusterLog.Sink = log;
        NodeHost host = await NodeHost.StartAsync(builder => journal?.AddTo(builder), cancel).ConfigureAwait(false);
        IActorRef board = host.System.ActorOf(JobBoard.Props(results.Writer, log, onCluster: false), "job-board");
        return new EmbeddedNode(host, board, results.Reader, journal);
    }

    /// <summary>A new worker's side, with its own actor.</summary>
    public IWorkerTransport Worker(string workerId) => new ActorWorkerTransport(_host.System, _board, workerId);

    /// <summary>Asks the board what it holds.</summary>
    public Task<BoardStatus> BoardStatusAsync(TimeSpan timeout) => _board.Ask<BoardStatus>(BoardStatusQuery.Instance, timeout);

    /// <summary>The store of run <paramref name="runId"/> in this node's journal.</summary>
    /// <exception cref="InvalidOperationException">The node was started without a journal.</exception>
    public ActorRunStore RunStore(string runId) =>
        new(_host.System, runId, _journal ?? throw new InvalidOperationException("this node was started without a journal"));

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => _host.DisposeAsync();
}
