using FoolingCluster.Coordinator.Search;
using FoolingCluster.Evolution.Genomes.Direct;
using FoolingCluster.Protocol.Messages;
using Xunit;

namespace FoolingCluster.Coordinator.Tests;

/// <summary>Without a configured job size, a generation goes out as two jobs per worker present.</summary>
public sealed class JobSizingTests
{
    [Theory]
    [InlineData(400, 0, 200)]
    [InlineData(400, 1, 200)]
    [InlineData(400, 2, 100)]
    [InlineData(400, 3, 67)]
    [InlineData(400, 100, ClusterGenerationEvaluator<DirectGenome>.SmallestSizedJob)]
    [InlineData(10, 1, ClusterGenerationEvaluator<DirectGenome>.SmallestSizedJob)]
    public void Jobs_are_sized_for_two_per_worker_and_never_tiny(int children, int workers, int expected) =>
        Assert.Equal(expected, ClusterGenerationEvaluator<DirectGenome>.JobSizeFor(children, workers));

    [Fact]
    public void Workers_the_membership_reports_gone_or_unreachable_are_not_present()
    {
        var registry = new WorkerRegistry();
        registry.Heartbeat(new HeartbeatMessage { WorkerId = "a", State = "working" });
        registry.Heartbeat(new HeartbeatMessage { WorkerId = "b", State = "idle" });
        registry.Heartbeat(new HeartbeatMessage { WorkerId = "c", State = "idle" });
        Assert.Equal(3, registry.Present());

        registry.Heartbeat(new HeartbeatMessage { WorkerId = "b", State = WorkerStates.Unreachable });
        registry.Heartbeat(new HeartbeatMessage { WorkerId = "c", State = WorkerStates.Gone });
        Assert.Equal(1, registry.Present());

        registry.Heartbeat(new HeartbeatMessage { WorkerId = "b", State = "working" });
        Assert.Equal(2, registry.Present());
    }
}
