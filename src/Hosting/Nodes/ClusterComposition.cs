using System.Globalization;
using Akka.Cluster.Hosting;
using Akka.Cluster.Hosting.SBR;
using Akka.Hosting;
using Akka.Remote.Hosting;
using FoolingCluster.Tensors;

namespace FoolingCluster.Hosting.Nodes;

/// <summary>What every cluster node adds to its actor system: remoting, membership with its role, and downing.</summary>
internal static class ClusterComposition
{
    /// <summary>The role of nodes that may host the coordinator singleton.</summary>
    public const string CoordinatorRole = "coordinator";

    /// <summary>The role of nodes whose actors evaluate jobs.</summary>
    public const string WorkerRole = "worker";

    /// <summary>The singleton's name: the job board of the active coordinator.</summary>
    public const string BoardName = "job-board";

    /// <summary>Adds remoting on <paramref name="settings"/>' address and cluster membership with <paramref name="role"/>.</summary>
    public static AkkaConfigurationBuilder WithClusterNode(this AkkaConfigurationBuilder builder, NodeSettings settings, string role)
    {
        IReadOnlyList<NodeAddress> seeds = settings.Seeds.Count > 0 ? settings.Seeds : [settings.Listen];
        if (seeds.Any(s => s.Port == 0))
        {
            throw new InvalidInputException("a seed node needs a fixed port (HOST:PORT with PORT ≥ 1)");
        }

        // Downing: the side with the oldest node (the first coordinator) stays; when that node is
        // itself cut off alone (its process was killed), the others down it and a standby
        // coordinator takes over. (Counting coordinator-role nodes only would make an active
        // coordinator and its one standby a tie, which the oldest wins even when it is dead.)
        string stableAfter = string.Create(CultureInfo.InvariantCulture, $"{settings.DownUnreachableAfter.TotalSeconds:F0}s");

        // Nodes compute flat out on every core, and a collection can pause a process for
        // seconds: a node is suspected only after a longer silence than Akka's default 3 s, so
        // a busy worker or coordinator is not taken for a dead one.
        string heartbeatPause = string.Create(CultureInfo.InvariantCulture, $"{settings.HeartbeatPause.TotalSeconds:F0}s");

        // A member becomes Up, and a leaving one Exiting and then Removed, only at the leader's
        // tick: at Akka's default of 1 s, leaving alone took a stopping coordinator over a second.
        // A node leaving while others are unreachable (workers killed a moment ago) cannot reach
        // Exiting until they are downed; Akka waits 10 s for that by default, which a stopped
        // coordinator or worker need not wait: the others down it as they would a crashed node.
        var remote = new RemoteOptions
        {
            HostName = settings.Listen.Host,
            Port = settings.Listen.Port,
            MaxFrameSize = NodeHost.MaxFrameBytes,
            SendBufferSize = 2 * NodeHost.MaxFrameBytes,
            ReceiveBufferSize = 2 * NodeHost.MaxFrameBytes,
        };
        if (settings.Certificate is { } certificate)
        {
            remote.EnableSsl = true;
            remote.Ssl = ClusterTls.Options(certificate);
        }

        return builder
            .WithRemoting(remote)
            .WithClustering(new ClusterOptions
            {
                Roles = [role],
                SeedNodes = [.. seeds.Select(s => s.AkkaAddress(NodeHost.SystemName, settings.Certificate is not null))],
                SplitBrainResolver = new KeepOldestOption { DownIfAlone = true },
            })
            .AddHocon(
                $"""
                akka.cluster.split-brain-resolver.stable-after = {stableAfter}
                akka.cluster.failure-detector.acceptable-heartbeat-pause = {heartbeatPause}
                akka.cluster.leader-actions-interval = 250ms
                akka.coordinated-shutdown.phases.cluster-exiting.timeout = 3s
                """,
                HoconAddMode.Prepend);
    }
}
