using FoolingCluster.Hosting.Nodes;
using FoolingCluster.Protocol.Messages;
using FoolingCluster.Protocol.Transport;
using Xunit;

namespace FoolingCluster.Hosting.Tests;

/// <summary>
/// The job board with worker actors pulling jobs (one actor system, as the embedded run): a worker
/// holds at most one job; a job handed back or held by a worker that stopped goes to another.
/// </summary>
public sealed class JobBoardTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private EmbeddedNode _node = null!;

    public async Task InitializeAsync() => _node = await EmbeddedNode.StartAsync(null, CancellationToken.None);

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task A_worker_holds_one_job_at_a_time_and_the_next_goes_to_another()
    {
        await Publish(1, 2, 3);
        await using IWorkerTransport busy = _node.Worker("busy");
        await using IAsyncEnumerator<IDelivery<JobMessage>> busyJobs = busy.ReceiveJobsAsync(1, CancellationToken.None).GetAsyncEnumerator();
        Assert.True(await busyJobs.MoveNextAsync().AsTask().WaitAsync(Wait));
        Assert.Equal(1, busyJobs.Current.Message.JobId);

        // The busy worker has not asked again: the other jobs go to the idle one, in order.
        await using IWorkerTransport idle = _node.Worker("idle");
        await using IAsyncEnumerator<IDelivery<JobMessage>> idleJobs = idle.ReceiveJobsAsync(1, CancellationToken.None).GetAsyncEnumerator();
        Assert.True(await idleJobs.MoveNextAsync().AsTask().WaitAsync(Wait));
        Assert.Equal(2, idleJobs.Current.Message.JobId);
        await idleJobs.Current.AckAsync();
        Assert.True(await idleJobs.MoveNextAsync().AsTask().WaitAsync(Wait));
        Assert.Equal(3, idleJobs.Current.Message.JobId);
    }

    [Fact]
    public async Task A_job_handed_back_goes_to_the_next_worker_that_asks_and_a_dropped_one_to_none()
    {
        await Publish(1);
        IWorkerTransport first = _node.Worker("first");
        await using (IAsyncEnumerator<IDelivery<JobMessage>> jobs = first.ReceiveJobsAsync(1, CancellationToken.None).GetAsyncEnumerator())
        {
            Assert.True(await jobs.MoveNextAsync().AsTask().WaitAsync(Wait));
            await jobs.Current.RejectAsync(requeue: true);
        }

        await first.DisposeAsync();
        await using IWorkerTransport second = _node.Worker("second");
        await using IAsyncEnumerator<IDelivery<JobMessage>> again = second.ReceiveJobsAsync(1, CancellationToken.None).GetAsyncEnumerator();
        Assert.True(await again.MoveNextAsync().AsTask().WaitAsync(Wait));
        Assert.Equal(1, again.Current.Message.JobId);
        await again.Current.RejectAsync(requeue: false);

        await Publish(2);
        Assert.True(await again.MoveNextAsync().AsTask().WaitAsync(Wait));
        Assert.Equal(2, again.Current.Message.JobId); // job 1 was dropped, not queued again
    }

    [Fact]
    public async Task The_job_of_a_worker_that_stops_goes_to_another_worker()
    {
        await Publish(1);
        IWorkerTransport dying = _node.Worker("dying");
        IAsyncEnumerator<IDelivery<JobMessage>> held = dying.ReceiveJobsAsync(1, CancellationToken.None).GetAsyncEnumerator();
        Assert.True(await held.MoveNextAsync().AsTask().WaitAsync(Wait));
        await dying.DisposeAsync(); // stops its actor without acknowledging

        await using IWorkerTransport survivor = _node.Worker("survivor");
        await using IAsyncEnumerator<IDelivery<JobMessage>> jobs = survivor.ReceiveJobsAsync(1, CancellationToken.None).GetAsyncEnumerator();
        Assert.True(await jobs.MoveNextAsync().AsTask().WaitAsync(Wait));
        Assert.Equal(1, jobs.Current.Message.JobId);

        // The coordinator's view of its workers hears that the dying one is gone.
        using var stop = new CancellationTokenSource(Wait);
        await using IAsyncEnumerator<IDelivery<WorkerMessage>> results = _node.Coordinator.ReceiveAsync(stop.Token).GetAsyncEnumerator(stop.Token);
        Assert.True(await results.MoveNextAsync());
        Assert.Equal(("dying", Jobs.JobBoard.GoneState), (results.Current.Message.Heartbeat.WorkerId, results.Current.Message.Heartbeat.State));
    }

    [Fact]
    public async Task Results_reach_the_coordinator_and_control_messages_reach_every_worker()
    {
        await using IWorkerTransport one = _node.Worker("one");
        await using IWorkerTransport two = _node.Worker("two");
        using var stop = new CancellationTokenSource(Wait);

        // Workers are known to the board once they have asked for a job.
        IAsyncEnumerator<IDelivery<JobMessage>> oneJobs = one.ReceiveJobsAsync(1, stop.Token).GetAsyncEnumerator(stop.Token);
        IAsyncEnumerator<IDelivery<JobMessage>> twoJobs = two.ReceiveJobsAsync(1, stop.Token).GetAsyncEnumerator(stop.Token);
        ValueTask<bool> oneWaiting = oneJobs.MoveNextAsync();
        ValueTask<bool> twoWaiting = twoJobs.MoveNextAsync();

        await one.PublishAsync(new WorkerMessage { Heartbeat = new HeartbeatMessage { WorkerId = "one" } }, stop.Token);
        await using IAsyncEnumerator<IDelivery<WorkerMessage>> results = _node.Coordinator.ReceiveAsync(stop.Token).GetAsyncEnumerator(stop.Token);
        Assert.True(await results.MoveNextAsync());
        Assert.Equal("one", results.Current.Message.Heartbeat.WorkerId);

        await _node.Coordinator.PublishControlAsync(new ControlMessage { Command = ControlMessage.Types.Command.Pause }, stop.Token);
        foreach (IWorkerTransport worker in new[] { one, two })
        {
            await using IAsyncEnumerator<ControlMessage> control = worker.ReceiveControlAsync(stop.Token).GetAsyncEnumerator(stop.Token);
            Assert.True(await control.MoveNextAsync());
            Assert.Equal(ControlMessage.Types.Command.Pause, control.Current.Command);
        }

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await oneWaiting);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await twoWaiting);
    }

    private async Task Publish(params long[] ids)
    {
        foreach (long id in ids)
        {
            await _node.Coordinator.PublishJobAsync(new JobMessage { JobId = id, Run = new RunSpecMessage { RunId = "run" } }, CancellationToken.None);
        }
    }
}
