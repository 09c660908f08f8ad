using FoolingCluster.Coordinator.Search;
using FoolingCluster.Protocol.Messages;
using Xunit;

namespace FoolingCluster.Coordinator.Tests;

/// <summary>
/// The coordinator's view of its workers: a heartbeat sets everything; a state the job board
/// reports from the cluster's membership changes the state only, so an unreachable or gone worker
/// does not look freshly heard from.
/// </summary>
public sealed class WorkerRegistryTests
{
    [Fact]
    public void A_membership_state_changes_the_state_but_not_the_last_heartbeat_and_a_heartbeat_brings_the_worker_back()
    {
        var registry = new WorkerRegistry();
        registry.Heartbeat(new HeartbeatMessage { WorkerId = "w1", Host = "node-a", Threads = 4, State = "working", EvaluationsPerSecond = 900 });
        WorkerStatus heard = Assert.Single(registry.Snapshot());
        Thread.Sleep(20);

        registry.Heartbeat(new HeartbeatMessage { WorkerId = "w1", Host = "", Threads = 0, State = WorkerStates.Unreachable });

        WorkerStatus silent = Assert.Single(registry.Snapshot());
        Assert.Equal((WorkerStates.Unreachable, heard.LastHeartbeatUtc, "node-a", 4, 0.0), (silent.State, silent.LastHeartbeatUtc, silent.Host, silent.Threads, silent.EvaluationsPerSecond));

        registry.Heartbeat(new HeartbeatMessage { WorkerId = "w1", Host = "node-a", Threads = 4, State = "idle", EvaluationsPerSecond = 0 });
        WorkerStatus back = Assert.Single(registry.Snapshot());
        Assert.Equal("idle", back.State);
        Assert.True(back.LastHeartbeatUtc > heard.LastHeartbeatUtc);
    }

    [Fact]
    public void Only_gone_and_unreachable_come_from_the_membership()
    {
        Assert.True(WorkerStates.FromMembership(WorkerStates.Gone));
        Assert.True(WorkerStates.FromMembership(WorkerStates.Unreachable));
        Assert.False(WorkerStates.FromMembership("working"));
        Assert.False(WorkerStates.FromMembership("idle"));
    }
}
