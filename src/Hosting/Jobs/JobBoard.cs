using System.Threading.Channels;
using Akka.Actor;
using Akka.Cluster;
using FoolingCluster.Coordinator.Search;
using FoolingCluster.Hosting.Views;
using FoolingCluster.Protocol.Messages;

namespace FoolingCluster.Hosting.Jobs;

/// <summary>
/// The coordinator's job board: jobs wait here until a worker with room asks for one
/// (<see cref="JobRequestMessage"/>). A worker holds at most the number of jobs it asked room
/// for, and more than one only of breeding jobs (see <see cref="Fits"/>); a job goes to the
/// worker holding fewest, so the jobs of a generation spread over every worker before any
/// worker gets a second. A job held by a worker that stops, leaves or is downed goes back to
/// the front of the queue. Workers' results and heartbeats are passed on, unchecked, to the
/// coordinator through <c>results</c>: the coordinator checks each one before it touches the
/// archive. On a cluster the board also passes on what the membership says of a worker's node
/// (unreachable, gone) as the worker's state (<see cref="WorkerStates"/>). Being the singleton,
/// the board is also where other coordinator-role nodes' dashboards reach the active run: its
/// child <see cref="RunViewServer"/> answers them.
/// </summary>
public sealed class JobBoard : ReceiveActor
{
    /// <summary>The most jobs one worker may hold at once, whatever it asks for.</summary>
    public const int MaxSlots = 8;

    private readonly LinkedList<JobMessage> _queue = new();
    private readonly Dictionary<IActorRef, Seat> _workers = [];
    private readonly ChannelWriter<WorkerMessage> _results;
    private readonly Action<string>? _log;

    private readonly bool _onCluster;
    private readonly Action? _started;
    private long _handedOut;
    private IActorRef _views = ActorRefs.Nobody;

    /// <param name="results">Where workers' results and heartbeats go.</param>
    /// <param name="log">Receives a line when a worker is lost with a job, and on a cluster when one joins or its node becomes unreachable.</param>
    /// <param name="onCluster">Whether the board runs on a cluster node (whose membership it follows), not in one process.</param>
    /// <param name="started">Called when this board starts: on a cluster, this node now holds the singleton and is the active coordinator.</param>
    public JobBoard(ChannelWriter<WorkerMessage> results, Action<string>? log, bool onCluster, Action? started = null)
    {
        _results = results;
        _log = log;
        _onCluster = onCluster;
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
        Receive<ClusterEvent.UnreachableMember>(unreachable => Reachability(unreachable.Member, reachable: false));
        Receive<ClusterEvent.ReachableMember>(reachable => Reachability(reachable.Member, reachable: true));
        // The run's view for other coordinator-role nodes' dashboards: the board's child answers.
        Receive<RunViewServer.Serve>(serve => _views.Forward(serve));
        Receive<RunViewQuery>(query => _views.Forward(query));
        Receive<RunControlRequest>(request => _views.Forward(request));
        Receive<RunExportRequest>(request => _views.Forward(request));
        Receive<BoardStatusQuery>(_ => Sender.Tell(new BoardStatus(
            _queue.Count,
            _workers.Values.Sum(seat => seat.Held.Count),
            _workers.Values.Count(seat => seat.Accepting && seat.Held.Count == 0),
            _workers.Count)));
    }

    /// <summary>Props for a board writing results to <paramref name="results"/>.</summary>
    public static Props Props(ChannelWriter<WorkerMessage> results, Action<string>? log = null, bool onCluster = true, Action? started = null) =>
        Akka.Actor.Props.Create(() => new JobBoard(results, log, onCluster, started));

    /// <summary>
    /// Whether <paramref name="job"/> may join the <paramref name="held"/> jobs of a worker with
    /// <paramref name="slots"/> of room. A worker's first job always fits. Further ones only when
    /// all are breeding jobs: those take milliseconds, so a worker that had to ask after each
    /// would idle for a round trip between two; a robustness slice or a VAE's training takes
    /// seconds to minutes, and a second one held by a slow worker would wait while a faster
    /// worker idles.
    /// </summary>
    public static bool Fits(JobMessage job, IReadOnlyCollection<JobMessage> held, int slots) =>
        held.Count == 0 || (held.Count < slots && IsBreeding(job) && held.All(IsBreeding));

    /// <inheritdoc/>
    protected override void PreStart()
    {
        _views = Context.ActorOf(RunViewServer.Props(), "run-view");
        if (_onCluster)
        {
            Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.IReachabilityEvent));
        }

        _started?.Invoke();
    }

    /// <inheritdoc/>
    protected override void PostStop()
    {
        if (_onCluster)
        {
            Cluster.Get(Context.System).Unsubscribe(Self);
        }
    }

    private static bool IsBreeding(JobMessage job) => job.Robustness is null && job.VaeTraining is null;

    private void Request(JobRequestMessage request)
    {
        if (!_workers.TryGetValue(Sender, out Seat? seat))
        {
            Context.Watch(Sender);
            seat = new Seat(Sender, request);
            _workers[Sender] = seat;
            if (_onCluster)
            {
                _log?.Invoke($"worker {Shorten(request.WorkerId)} on {Shorten(request.Host)} joined with {request.Threads} threads");
            }
        }

        // A worker repeats its request while it has room; the board counts what it holds, so a
        // repeated request changes nothing.
        seat.Slots = Math.Clamp(request.Slots, 1, MaxSlots);
        seat.Accepting = true;
        Dispatch();
    }

    private void Release(JobReleaseMessage release)
    {
        int index = _workers.TryGetValue(Sender, out Seat? seat)
            ? seat.Held.FindIndex(job => job.JobId == release.JobId && job.Run?.RunId == release.RunId)
            : -1;
        if (seat is null || index < 0)
        {
            return; // not a job this worker holds: a late or made-up release changes nothing
        }

        JobMessage job = seat.Held[index];
        seat.Held.RemoveAt(index);
        if (!release.Finished && release.Requeue)
        {
            // A worker hands jobs back when it stops, or when it got one it had no room for
            // (after the board moved): it gets no more until it asks again.
            seat.Accepting = false;
            _queue.AddFirst(job);
        }

        Dispatch();
    }

    private void Forget(IActorRef worker)
    {
        if (!_workers.Remove(worker, out Seat? seat))
        {
            return;
        }

        // The cluster removed the worker (it stopped, left, or was downed): the coordinator's
        // view of its workers hears it now, not when its heartbeats are merely late.
        JobRequestMessage known = seat.Request;
        ReportState(known, WorkerStates.Gone);

        if (seat.Held.Count > 0)
        {
            string jobs = string.Join(", ", seat.Held.Select(job => job.JobId));
            _log?.Invoke($"worker {Shorten(known.WorkerId)} is gone; its job{(seat.Held.Count == 1 ? "" : "s")} {jobs} go{(seat.Held.Count == 1 ? "es" : "")} to another worker");
            for (int i = seat.Held.Count - 1; i >= 0; i--)
            {
                _queue.AddFirst(seat.Held[i]);
            }

            Dispatch();
        }
    }

    /// <summary>
    /// A worker node missed its heartbeats, or was heard again: its workers' jobs stay held (the
    /// node may come back) until the cluster downs it, but the coordinator's view of its workers
    /// shows it at once.
    /// </summary>
    private void Reachability(Member member, bool reachable)
    {
        foreach (Seat seat in _workers.Values.Where(seat => seat.Worker.Path.Address == member.Address))
        {
            JobRequestMessage known = seat.Request;
            string holding = seat.Held.Count switch
            {
                0 => "it holds no job",
                1 => "its job waits for it to come back or be downed",
                _ => "its jobs wait for it to come back or be downed",
            };
            _log?.Invoke(reachable
                ? $"worker {Shorten(known.WorkerId)} on {Shorten(known.Host)} is reachable again"
                : $"worker {Shorten(known.WorkerId)} on {Shorten(known.Host)} is unreachable; {holding}");
            ReportState(known, reachable ? (seat.Held.Count > 0 ? "working" : "idle") : WorkerStates.Unreachable);
        }
    }

    private void ReportState(JobRequestMessage worker, string state) =>
        _results.TryWrite(new WorkerMessage { Heartbeat = new HeartbeatMessage { WorkerId = worker.WorkerId, Host = worker.Host, Threads = worker.Threads, State = state, UnixMillis = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() } });

    private void Dispatch()
    {
        while (_queue.First is { } next && Choose(next.Value) is { } seat)
        {
            _queue.RemoveFirst();
            seat.Held.Add(next.Value);
            seat.LastHandedOut = ++_handedOut;
            seat.Worker.Tell(next.Value, Self);
        }
    }

    /// <summary>The worker with room for <paramref name="job"/> that holds fewest jobs, the one served longest ago among equals; null when none has room.</summary>
    private Seat? Choose(JobMessage job)
    {
        Seat? best = null;
        foreach (Seat seat in _workers.Values)
        {
            if (seat.Accepting && Fits(job, seat.Held, seat.Slots)
                && (best is null || seat.Held.Count < best.Held.Count || (seat.Held.Count == best.Held.Count && seat.LastHandedOut < best.LastHandedOut)))
            {
                best = seat;
            }
        }

        return best;
    }

    private static string Shorten(string text) => text.Length <= 64 ? text : text[..64] + "…";

    /// <summary>What the board knows of one worker.</summary>
    private sealed class Seat(IActorRef worker, JobRequestMessage request)
    {
        public IActorRef Worker { get; } = worker;

        public JobRequestMessage Request { get; } = request;

        /// <summary>The jobs handed to the worker and not yet released, in the order handed out.</summary>
        public List<JobMessage> Held { get; } = [];

        public int Slots { get; set; } = 1;

        /// <summary>Whether the worker takes jobs: from its request until it hands one back.</summary>
        public bool Accepting { get; set; }

        public long LastHandedOut { get; set; }
    }
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
