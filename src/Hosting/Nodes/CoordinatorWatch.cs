using Akka.Actor;
using Akka.Cluster;

namespace FoolingCluster.Hosting.Nodes;

/// <summary>
/// Watches a worker node's view of the cluster and completes <c>lost</c> once no
/// coordinator-role member has been up and reachable for <c>grace</c> (the coordinator's
/// process ended and no standby took over), so the worker can join again through its seeds:
/// a coordinator restarted on its address forms a new cluster, which an old member cannot
/// rejoin with the same actor system.
/// </summary>
internal sealed class CoordinatorWatch : ReceiveActor, IWithTimers
{
    private const string GraceTimer = "grace";
    private readonly HashSet<Member> _coordinators = [];
    private readonly HashSet<Member> _unreachable = [];

    public CoordinatorWatch(TaskCompletionSource lost, TimeSpan grace)
    {
        Receive<ClusterEvent.CurrentClusterState>(state =>
        {
            foreach (Member member in state.Members.Where(IsCoordinator).Where(m => m.Status == MemberStatus.Up))
            {
                _coordinators.Add(member);
            }

            _unreachable.UnionWith(state.Unreachable.Where(IsCoordinator));
            Check(grace);
        });
        Receive<ClusterEvent.MemberUp>(up => Change(up.Member, add: true, grace));
        Receive<ClusterEvent.MemberRemoved>(removed => Change(removed.Member, add: false, grace));
        Receive<ClusterEvent.UnreachableMember>(u =>
        {
            if (IsCoordinator(u.Member))
            {
                _unreachable.Add(u.Member);
                Check(grace);
            }
        });
        Receive<ClusterEvent.ReachableMember>(r =>
        {
            _unreachable.Remove(r.Member);
            Check(grace);
        });
        Receive<GraceOver>(_ =>
        {
            if (ReachableCoordinators == 0)
            {
                lost.TrySetResult();
            }
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(TaskCompletionSource lost, TimeSpan grace) => Akka.Actor.Props.Create(() => new CoordinatorWatch(lost, grace));

    private int ReachableCoordinators => _coordinators.Count(c => !_unreachable.Contains(c));

    protected override void PreStart() =>
        Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsSnapshot, typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));

    protected override void PostStop() => Cluster.Get(Context.System).Unsubscribe(Self);

    private static bool IsCoordinator(Member member) => member.HasRole(ClusterComposition.CoordinatorRole);

    private void Change(Member member, bool add, TimeSpan grace)
    {
        if (!IsCoordinator(member))
        {
            return;
        }

        if (add)
        {
            _coordinators.Add(member);
        }
        else
        {
            _coordinators.Remove(member);
            _unreachable.Remove(member);
        }

        Check(grace);
    }

    private void Check(TimeSpan grace)
    {
        if (ReachableCoordinators > 0)
        {
            Timers.Cancel(GraceTimer);
        }
        else if (!Timers.IsTimerActive(GraceTimer))
        {
            Timers.StartSingleTimer(GraceTimer, GraceOver.Instance, grace);
        }
    }

    private sealed class GraceOver
    {
        public static GraceOver Instance { get; } = new();
    }
}
