using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Cluster.Hosting;
using FoolingCluster.Hosting.Jobs;
using FoolingCluster.Hosting.Nodes;
using FoolingCluster.Hosting.Tests.Support;
using FoolingCluster.Hosting.Transport;
using FoolingCluster.Hosting.Wire;
using FoolingCluster.Protocol;
using FoolingCluster.Protocol.Messages;
using FoolingCluster.Tests.Shared;
using FoolingCluster.Worker.Transport;
using Google.Protobuf;
using Xunit;

namespace FoolingCluster.Hosting.Tests;

/// <summary>
/// A worker node that puts bytes on the wire which are not a message (garbage under a message's
/// name, an unknown name, a body over the size limit): the coordinator's node refuses them before
/// they reach the job board, and the board, the worker's held job and the messages after them
/// are unharmed.
/// </summary>
public sealed class ForgedBytesTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Bytes_that_are_not_a_message_never_reach_the_board_and_the_board_carries_on()
    {
        using var stop = new CancellationTokenSource(Wait);
        var listen = new NodeAddress("127.0.0.1", FreePorts.Loopback());
        await using CoordinatorNode coordinator = await CoordinatorNode.StartAsync(new NodeSettings(listen, []), Wait, null, stop.Token);
        await using NodeHost forger = await StartForgingWorkerNodeAsync(coordinator.Address, stop.Token);
        IActorRef board = forger.Registry.Get<JobBoard>();
        await using var worker = new ActorWorkerTransport(forger.System, board, "forger");

        await coordinator.Coordinator.PublishJobAsync(new JobMessage { JobId = 1, Run = new RunSpecMessage { RunId = "run" } }, stop.Token);
        await using IAsyncEnumerator<IDelivery<JobMessage>> jobs = worker.ReceiveJobsAsync(1, stop.Token).GetAsyncEnumerator(stop.Token);
        Assert.True(await jobs.MoveNextAsync());

        // Forged bytes that are a message arrive, so the ones between them were sent the same way;
        // those between are each refused for one reason only (bytes, kind, size, bytes).
        board.Tell(new ForgedMessage("worker", Heartbeat("before").ToByteArray()));
        board.Tell(new ForgedMessage("worker", [0xFF, 0x13, 0x37, 0x00, 0x42]));
        board.Tell(new ForgedMessage("System.Diagnostics.Process, System", Heartbeat("unknown kind").ToByteArray()));
        board.Tell(new ForgedMessage("worker", Heartbeat(new string('x', MessageLimits.MaxMessageBytes)).ToByteArray()));
        board.Tell(new ForgedMessage("job-release", [0x08, 0x80, 0x80, 0x80]));
        board.Tell(new ForgedMessage("worker", Heartbeat("after").ToByteArray()));

        await using IAsyncEnumerator<WorkerMessage> results = coordinator.Coordinator.ReceiveAsync(stop.Token).GetAsyncEnumerator(stop.Token);
        Assert.True(await results.MoveNextAsync());
        Assert.Equal("before", results.Current.Heartbeat.WorkerId);
        Assert.True(await results.MoveNextAsync());
        Assert.Equal("after", results.Current.Heartbeat.WorkerId);

        // The board kept its state: the worker still holds its job, and its result comes through.
        Assert.Equal(new BoardStatus(Waiting: 0, Held: 1, Idle: 0, Workers: 1), await coordinator.BoardStatusAsync(Wait));
        await worker.PublishAsync(new WorkerMessage { Result = new ResultMessage { RunId = "run", JobId = 1, WorkerId = "forger", Evaluations = 3 } }, stop.Token);
        await jobs.Current.AckAsync();
        Assert.True(await results.MoveNextAsync());
        Assert.Equal(1, results.Current.Result.JobId);

        // The release follows the result from the worker's node; the board's status is asked
        // from this one, so it may be answered before the release arrives.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while ((await coordinator.BoardStatusAsync(Wait)).Held != 0)
        {
            Assert.True(clock.Elapsed < Wait, "the board still counts the released job as held");
            await Task.Delay(50, stop.Token);
        }
    }

    private static WorkerMessage Heartbeat(string id) => new() { Heartbeat = new HeartbeatMessage { WorkerId = id } };

    /// <summary>A worker-role node like <see cref="WorkerNode"/>, whose serializer can also put forged bytes on the wire.</summary>
    private static async Task<NodeHost> StartForgingWorkerNodeAsync(NodeAddress seed, CancellationToken cancel)
    {
        var settings = new NodeSettings(NodeAddress.LoopbackAnyPort, [seed]);
        NodeHost host = await NodeHost.StartAsync(
            builder => builder
                .WithClusterNode(settings, ClusterComposition.WorkerRole)
                .WithSingletonProxy<JobBoard>(ClusterComposition.BoardName, new ClusterSingletonOptions { Role = ClusterComposition.CoordinatorRole })
                .WithCustomSerializer("forging", [typeof(ForgedMessage), .. WireManifests.Types], system => new ForgingSerializer(system)),
            cancel);
        try
        {
            await ClusterMembership.WaitUpAsync(host.System, settings, Wait, cancel);
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }

        return host;
    }

}
