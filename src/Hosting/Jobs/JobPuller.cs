using System.Threading.Channels;
using Akka.Actor;
using FoolingCluster.Protocol.Messages;

namespace FoolingCluster.Hosting.Jobs;

/// <summary>
/// A worker's actor: once started, asks the board for jobs while the worker has room for one
/// (again every few seconds, so a board that restarted or moved learns of the worker), hands
/// jobs and control messages to the worker, and carries the worker's results and releases to
/// the board under its own address, which is how the board knows who holds what.
/// </summary>
internal sealed class JobPuller : ReceiveActor, IWithTimers
{
    private const string AskAgainTimer = "ask-again";
    private readonly IActorRef _board;
    private readonly JobRequestMessage _request;
    private int _holding;
    private bool _stopping;
    private bool _gaveBack;

    public JobPuller(IActorRef board, JobRequestMessage request, ChannelWriter<JobMessage> jobs, ChannelWriter<ControlMessage> control, TimeSpan askAgainEvery)
    {
        _board = board;
        _request = request;
        Receive<Start>(start =>
        {
            _request.Slots = Math.Clamp(start.Slots, 1, JobBoard.MaxSlots);
            Ask();
            Timers.StartPeriodicTimer(AskAgainTimer, AskAgain.Instance, askAgainEvery);
        });
        Receive<AskAgain>(_ => Ask());
        Receive<JobMessage>(job =>
        {
            if (_stopping || _holding >= _request.Slots || !jobs.TryWrite(job))
            {
                // No room (a board that took over handed out jobs twice): give it back.
                _gaveBack = true;
                Sender.Tell(new JobReleaseMessage { WorkerId = request.WorkerId, RunId = job.Run?.RunId ?? "", JobId = job.JobId, Requeue = true }, Self);
                return;
            }

            _holding++;
        });
        Receive<ControlMessage>(message => control.TryWrite(message));
        Receive<WorkerMessage>(message => board.Tell(message, Self));
        Receive<JobReleaseMessage>(release =>
        {
            _holding = Math.Max(0, _holding - 1);
            board.Tell(release, Self);

            // The worker hands a job back only when it stops; after giving back one it had no
            // room for, the board waits for a request before it hands this worker more.
            _stopping |= release.Requeue && !release.Finished;
            if (_gaveBack)
            {
                _gaveBack = false;
                Ask();
            }
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IActorRef board, JobRequestMessage request, ChannelWriter<JobMessage> jobs, ChannelWriter<ControlMessage> control, TimeSpan askAgainEvery) =>
        Akka.Actor.Props.Create(() => new JobPuller(board, request, jobs, control, askAgainEvery));

    private void Ask()
    {
        if (!_stopping && _holding < _request.Slots)
        {
            _board.Tell(_request, Self);
        }
    }

    /// <summary>The worker starts taking jobs, holding up to <see cref="Slots"/> at once.</summary>
    internal sealed record Start(int Slots);

    private sealed class AskAgain
    {
        public static AskAgain Instance { get; } = new();
    }
}
