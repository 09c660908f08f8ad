using System.Threading.Channels;
using Akka.Actor;
using FoolingCluster.Protocol.Messages;

namespace FoolingCluster.Hosting.Jobs;

/// <summary>
/// The coordinator's job board: jobs wait here until an idle worker asks for one
/// (<see cref="JobRequestMessage"/>); a worker holds at most one job, and a job held by a worker
/// that stops, leaves or is downed goes back to the front of the queue. Workers' results and
/// heartbeats are passed on, unchecked, to the coordinator through <c>results</c>: the
/// coordinator checks each one before it touches the archive.
/// </summary>
public sealed class JobBoard : ReceiveActor
{
    private readonly LinkedList<JobMessage> _queue = new();
    private readonly LinkedList<IActorRef> _idle = new();
    private readonly Dictionary<IActorRef, JobMessage> _held = [];
    private readonly Dictionary<IActorRef, JobRequestMessage> _workers = [];
    private readonly ChannelWriter<WorkerMessage> _results;
    private readonly Action<string>? _log;

    private readonly bool _announceJoins;
    private readonly Action? _started;

    /// <param name="results">Where workers' results and heartbeats go.</param>
    /// <param name="log">Receives a line when a worker is lost with a job, and when one joins if <paramref name="announceJoins"/>.</param>
    /// <param name="announceJoins">Whether joining workers are worth a line (on a cluster, not in one process).</param>
    /// <param name="started">Called when this board starts: on a cluster, this node now holds the singleton and is the active coordinator.</param>
    public JobBoard(ChannelWriter<WorkerMessage> results, Action<string>? log, bool announceJoins, Action? started = null)
    {
        _results = results;
        _log = log;
        _announceJoins = announceJoins;
        _started = started;
        Receive<JobMessage>(job =>
        {
            _queue.AddLast(job);
            Dispatch();
        });
        Receive<PurgeJobs>(_ => _queue.Clear());
        Receive<ControlMessage>(control =>
        {
            foreach (IActorRef worker in _workers.Keys)
            {
                worker.Tell(control, Self);
            }
        });
        Receive<JobRequestMessage>(Request);
        Receive<JobReleaseMessage>(Release);
        Receive<WorkerMessage>(message => _results.TryWrite(message));
        Receive<Terminated>(stopped => Forget(stopped.ActorRef));
        Receive<BoardStatusQuery>(_ => Sender.Tell(new BoardStatus(_queue.Count, _held.Count, _idle.Count, _workers.Count)));
    }

    /// <summary>The state the board reports for a worker the cluster no longer has.</summary>
    public const string GoneState = "gone";

    /// <summary>Props for a board writing results to <paramref name="results"/>.</summary>
    public static Props Props(ChannelWriter<WorkerMessage> results, Action<string>? log = null, bool announceJoins = true, Action? started = null) =>
        Akka.Actor.Props.Create(() => new JobBoard(results, log, announceJoins, started));

    /// <inheritdoc/>
    protected override void PreStart() => _started?.Invoke();

    private void Request(JobRequestMessage request)
    {
        if (!_workers.ContainsKey(Sender))
        {
            Context.Watch(Sender);
            _workers[Sender] = request;
            if (_announceJoins)
            {
                _log?.Invoke($"worker {Shorten(request.WorkerId)} on {Shorten(request.Host)} joined with {request.Threads} threads");
            }
        }

        // A worker repeats its request until a job comes; one already holding a job or already
        // waiting is not queued twice.
        if (!_held.ContainsKey(Sender) && !_idle.Contains(Sender))
        {
            _idle.AddLast(Sender);
            Dispatch();
        }
    }

    private void Release(JobReleaseMessage release)
    {
        if (!_held.TryGetValue(Sender, out JobMessage? job) || job.JobId != release.JobId || job.Run?.RunId != release.RunId)
        {
            return; // not the job this worker holds: a late or made-up release changes nothing
        }

        _held.Remove(Sender);
        if (!release.Finished && release.Requeue)
        {
            _queue.AddFirst(job);
            Dispatch();
        }
    }

    private void Forget(IActorRef worker)
    {
        _idle.Remove(worker);
        string id = _workers.TryGetValue(worker, out JobRequestMessage? known) ? known.WorkerId : worker.Path.ToString();
        _workers.Remove(worker);

        // The cluster removed the worker (it stopped, left, or was downed): the coordinator's
        // view of its workers hears it now, not when its heartbeats are merely late.
        if (known is not null)
        {
            _results.TryWrite(new WorkerMessage { Heartbeat = new HeartbeatMessage { WorkerId = known.WorkerId, Host = known.Host, Threads = known.Threads, State = GoneState, UnixMillis = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() } });
        }

        if (_held.Remove(worker, out JobMessage? job))
        {
            _log?.Invoke($"worker {Shorten(id)} is gone; its job {job.JobId} goes to another worker");
            _queue.AddFirst(job);
            Dispatch();
        }
    }

    private void Dispatch()
    {
        while (_queue.First is { } job && _idle.First is { } worker)
        {
            _queue.RemoveFirst();
            _idle.RemoveFirst();
            _held[worker.Value] = job.Value;
            worker.Value.Tell(job.Value, Self);
        }
    }

    private static string Shorten(string text) => text.Length <= 64 ? text : text[..64] + "…";
}

/// <summary>Drops every job still waiting on the board (held jobs finish or come back as usual).</summary>
public sealed class PurgeJobs
{
    /// <summary>The one instance.</summary>
    public static PurgeJobs Instance { get; } = new();

    private PurgeJobs()
    {
    }
}

/// <summary>Asks the board for a <see cref="BoardStatus"/>.</summary>
public sealed class BoardStatusQuery
{
    /// <summary>The one instance.</summary>
    public static BoardStatusQuery Instance { get; } = new();

    private BoardStatusQuery()
    {
    }
}

/// <summary>What the board holds.</summary>
/// <param name="Waiting">Jobs not yet handed out.</param>
/// <param name="Held">Jobs held by workers.</param>
/// <param name="Idle">Workers waiting for a job.</param>
/// <param name="Workers">Workers known.</param>
public sealed record BoardStatus(int Waiting, int Held, int Idle, int Workers);
