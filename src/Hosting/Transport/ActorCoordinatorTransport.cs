using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Akka.Actor;
using FoolingCluster.Hosting.Jobs;
using FoolingCluster.Protocol.Messages;
using FoolingCluster.Protocol.Transport;

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
    public async IAsyncEnumerable<IDelivery<WorkerMessage>> ReceiveAsync([EnumeratorCancellation] CancellationToken cancel)
    {
        await foreach (WorkerMessage message in results.ReadAllAsync(cancel).ConfigureAwait(false))
        {
            yield return new ActorDelivery<WorkerMessage>(message, () => { }, _ => { });
        }
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
