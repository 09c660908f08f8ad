using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Akka.Actor;
using FoolingCluster.Hosting.Jobs;
using FoolingCluster.Protocol.Messages;
using FoolingCluster.Tensors;
using FoolingCluster.Worker.Transport;

namespace FoolingCluster.Hosting.Transport;

/// <summary>
/// A worker's side of the cluster on actors: jobs are asked for while the worker has room for
/// them (pull), so it holds at most the prefetch it asked with; finishing or handing back a job
/// releases it on the board. Disposing stops the worker's actor, and the board gives the jobs it
/// still held to another worker.
/// </summary>
public sealed class ActorWorkerTransport : IWorkerTransport
{
    private readonly IActorRef _puller;
    private readonly Channel<JobMessage> _jobs = Channel.CreateUnbounded<JobMessage>();
    private readonly Channel<ControlMessage> _control = Channel.CreateUnbounded<ControlMessage>();
    private readonly string _workerId;

    /// <summary>Starts the worker's actor in <paramref name="system"/>, talking to <paramref name="board"/>.</summary>
    /// <param name="system">The worker node's actor system.</param>
    /// <param name="board">The job board (a local actor, or the singleton's proxy).</param>
    /// <param name="workerId">The worker's id, shown to the coordinator.</param>
    /// <param name="askAgainEvery">How often an unanswered job request is repeated.</param>
    public ActorWorkerTransport(ActorSystem system, IActorRef board, string workerId, TimeSpan? askAgainEvery = null)
    {
        ArgumentNullException.ThrowIfNull(system);
        _workerId = workerId;
        var request = new JobRequestMessage { WorkerId = workerId, Host = Environment.MachineName, Threads = Engine.Threads };
        _puller = system.ActorOf(JobPuller.Props(board, request, _jobs.Writer, _control.Writer, askAgainEvery ?? TimeSpan.FromSeconds(3)));
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<IDelivery<JobMessage>> ReceiveJobsAsync(int prefetch, [EnumeratorCancellation] CancellationToken cancel)
    {
        // The actor keeps at most `prefetch` jobs between its board and this reader, counting
        // each until its release.
        _puller.Tell(new JobPuller.Start(prefetch));
        while (true)
        {
            JobMessage job = await _jobs.Reader.ReadAsync(cancel).ConfigureAwait(false);
            yield return new ActorDelivery<JobMessage>(job, () => Release(job, finished: true, requeue: false), requeue => Release(job, finished: false, requeue));
        }
    }

    /// <inheritdoc/>
    public ValueTask PublishAsync(WorkerMessage message, CancellationToken cancel)
    {
        _puller.Tell(message);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<ControlMessage> ReceiveControlAsync([EnumeratorCancellation] CancellationToken cancel)
    {
        await foreach (ControlMessage message in _control.Reader.ReadAllAsync(cancel).ConfigureAwait(false))
        {
            yield return message;
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        // A job that arrived after the worker stopped asking goes straight back.
        while (_jobs.Reader.TryRead(out JobMessage? job))
        {
            Release(job, finished: false, requeue: true);
        }

        await _puller.GracefulStop(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
    }

    private void Release(JobMessage job, bool finished, bool requeue) =>
        _puller.Tell(new JobReleaseMessage { WorkerId = _workerId, RunId = job.Run?.RunId ?? "", JobId = job.JobId, Finished = finished, Requeue = requeue });
}
