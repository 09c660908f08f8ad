using System.Threading.Channels;
using Akka.Actor;
using FoolingCluster.Coordinator.Transport;
using FoolingCluster.Hosting.Jobs;
using FoolingCluster.Protocol.Messages;

namespace FoolingCluster.Hosting.Transport;

/// <summary>
/// The coordinator's side of the cluster on actors: jobs and control messages go to the job
/// board, workers' results and heartbeats come from it.
/// </summary>
/// <param name="board">The job board (a local actor, or the cluster singleton's proxy).</param>
/// <param name="results">What the board passes on from workers.</param>
public sealed class ActorCoordinatorTransport(IActorRef board, ChannelReader<WorkerMessage> results) : ICoordinatorTransport
{
    /// <inheritdoc/>
    public ValueTask PublishJobAsync(JobMessage job, CancellationToken cancel)
    {
        board.Tell(job);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask PublishControlAsync(ControlMessage control, CancellationToken cancel)
    {
        board.Tell(control);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask PurgeJobsAsync(CancellationToken cancel)
    {
        board.Tell(PurgeJobs.Instance);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public IAsyncEnumerable<WorkerMessage> ReceiveAsync(CancellationToken cancel) => results.ReadAllAsync(cancel);

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
