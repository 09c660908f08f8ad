using System.Net;
using System.Net.Sockets;
using FoolingCluster.Hosting.Nodes;
using FoolingCluster.Protocol.Messages;
using FoolingCluster.Tests.Shared;
using FoolingCluster.Worker.Transport;
using Xunit;

namespace FoolingCluster.Hosting.Tests;

/// <summary>A coordinator node and a worker node in this process, joined over remoting on 127.0.0.1.</summary>
public sealed class TwoNodeClusterTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_worker_node_pulls_a_large_job_from_the_coordinator_singleton_and_its_result_comes_back()
    {
        using var stop = new CancellationTokenSource(Wait);
        var listen = new NodeAddress("127.0.0.1", FreePorts.Loopback());
        await using CoordinatorNode coordinator = await CoordinatorNode.StartAsync(new NodeSettings(listen, []), Wait, null, stop.Token);
        await using WorkerNode workers = await WorkerNode.StartAsync(new NodeSettings(NodeAddress.LoopbackAnyPort, [coordinator.Address]), Wait, Wait, null, stop.Token);
        await using IWorkerTransport worker = workers.Worker("remote-1");

        // Ten parents of an ImageNet-sized direct genome (3×224×224 floats, 602 KB each): far
        // beyond Akka's default frame, within the cluster's message limit.
        var job = new JobMessage { JobId = 42, Run = new RunSpecMessage { RunId = "run" }, Children = 10 };
        for (int i = 0; i < 10; i++)
        {
            var direct = new DirectGenomeMessage { Channels = 3, Height = 224, Width = 224 };
            direct.Genes.AddRange(Enumerable.Repeat(0.5f, 3 * 224 * 224));
            job.Parents.Add(new GenomeMessage { Direct = direct });
        }

        Assert.True(job.CalculateSize() > 5_000_000);
        await coordinator.Coordinator.PublishJobAsync(job, stop.Token);
        await using IAsyncEnumerator<IDelivery<JobMessage>> jobs = worker.ReceiveJobsAsync(1, stop.Token).GetAsyncEnumerator(stop.Token);
        Assert.True(await jobs.MoveNextAsync());
        Assert.Equal(job, jobs.Current.Message);

        await worker.PublishAsync(new WorkerMessage { Result = new ResultMessage { RunId = "run", JobId = 42, WorkerId = "remote-1", Evaluations = 10 } }, stop.Token);
        await jobs.Current.AckAsync();
        await using IAsyncEnumerator<WorkerMessage> results = coordinator.Coordinator.ReceiveAsync(stop.Token).GetAsyncEnumerator(stop.Token);
        Assert.True(await results.MoveNextAsync());
        Assert.Equal(42, results.Current.Result.JobId);
    }

}
