using System.Threading.Channels;
using Akka.Actor;
using FoolingCluster.Protocol.Messages;

namespace FoolingCluster.Hosting.Jobs;

/// <summary>
/// A worker's actor: asks the board for a job when the worker wants one (and again every few
/// seconds until one comes, so a board that restarted or moved learns of the worker), hands
/// jobs and control messages to the worker, and carries the worker's results and releases to
/// the board under its own address, which is how the board knows who holds what.
/// </summary>
internal sealed class JobPuller : ReceiveActor, IWithTimers
{
    private const string AskAgainTimer = "ask-again";
    private bool _wanting;

    public JobPuller(IActorRef board, JobRequestMessage request, ChannelWriter<JobMessage> jobs, ChannelWriter<ControlMessage> control, TimeSpan askAgainEvery)
    {
        Receive<WantJob>(_ =>
        {
            _wanting = true;
            board.Tell(request, Self);
            Timers.StartPeriodicTimer(AskAgainTimer, AskAgain.Instance, askAgainEvery);
        });
        Receive<AskAgain>(_ =>
        {
            if (_wanting)
            {
                board.Tell(request, Self);
            }
        });
        Receive<JobMessage>(job =>
        {
            if (!_wanting || !jobs.TryWrite(job))
            {
                // Not asked for (a board that took over handed out a job twice): give it back.
                Sender.Tell(new JobReleaseMessage { WorkerId = request.WorkerId, RunId = job.Run?.RunId ?? "", JobId = job.JobId, Requeue = true }, Self);
                return;
            }

            _wanting = false;
            Timers.Cancel(AskAgainTimer);
        });
        Receive<ControlMessage>(message => control.TryWrite(message));
        Receive<WorkerMessage>(message => board.Tell(message, Self));
        Receive<JobReleaseMessage>(message => board.Tell(message, Self));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IActorRef board, JobRequestMessage request, ChannelWriter<JobMessage> jobs, ChannelWriter<ControlMessage> control, TimeSpan askAgainEvery) =>
        Akka.Actor.Props.Create(() => new JobPuller(board, request, jobs, control, askAgainEvery));

    /// <summary>The worker is idle and wants its next job.</summary>
    internal sealed class WantJob
    {
        public static WantJob Instance { get; } = new();
    }

    private sealed class AskAgain
    {
        public static AskAgain Instance { get; } = new();
    }
}
