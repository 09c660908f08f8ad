using FoolingCluster.Hosting.Nodes;
using FoolingCluster.Protocol.Messages;
using FoolingCluster.Worker.Transport;
using Xunit;

namespace FoolingCluster.Hosting.Tests;

/// <summary>
/// The job board with worker actors pulling jobs (one actor system, as the embedded run): a worker
/// holds at most the jobs it asked room for, a second only of breeding jobs; jobs spread over the
/// workers before any gets a second; a job handed back or held by a worker that stopped goes to
/// another.
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
        await using IAsyncEnumerator<WorkerMessage> results = _node.Coordinator.ReceiveAsync(stop.Token).GetAsyncEnumerator(stop.Token);
        Assert.True(await results.MoveNextAsync());
        Assert.Equal(("dying", Coordinator.Search.WorkerStates.Gone), (results.Current.Heartbeat.WorkerId, results.Current.Heartbeat.State));
    }

    [Fact]
    public async Task A_worker_keeps_a_second_breeding_job_ready_and_the_third_goes_to_another()
    {
        await Publish(1, 2, 3);
        await using IWorkerTransport first = _node.Worker("first");
        await using IAsyncEnumerator<IDelivery<JobMessage>> firstJobs = first.ReceiveJobsAsync(2, CancellationToken.None).GetAsyncEnumerator();
        Assert.True(await firstJobs.MoveNextAsync().AsTask().WaitAsync(Wait));
        Assert.Equal(1, firstJobs.Current.Message.JobId);
        await WaitForBoard(status => status.Held == 2);

        await using IWorkerTransport second = _node.Worker("second");
        await using IAsyncEnumerator<IDelivery<JobMessage>> secondJobs = second.ReceiveJobsAsync(2, CancellationToken.None).GetAsyncEnumerator();
        Assert.True(await secondJobs.MoveNextAsync().AsTask().WaitAsync(Wait));
        Assert.Equal(3, secondJobs.Current.Message.JobId);

        // The first worker's second job was ready before it finished its first.
        await firstJobs.Current.AckAsync();
        Assert.True(await firstJobs.MoveNextAsync().AsTask().WaitAsync(Wait));
        Assert.Equal(2, firstJobs.Current.Message.JobId);
    }

    [Fact]
    public async Task Jobs_spread_over_the_workers_before_any_gets_a_second()
    {
        await using IWorkerTransport one = _node.Worker("one");
        await using IWorkerTransport two = _node.Worker("two");
        await using IAsyncEnumerator<IDelivery<JobMessage>> oneJobs = one.ReceiveJobsAsync(2, CancellationToken.None).GetAsyncEnumerator();
        await using IAsyncEnumerator<IDelivery<JobMessage>> twoJobs = two.ReceiveJobsAsync(2, CancellationToken.None).GetAsyncEnumerator();
        ValueTask<bool> oneWaiting = oneJobs.MoveNextAsync();
        ValueTask<bool> twoWaiting = twoJobs.MoveNextAsync();
        await WaitForBoard(status => status.Idle == 2);

        await Publish(1, 2);
        Assert.True(await oneWaiting.AsTask().WaitAsync(Wait));
        Assert.True(await twoWaiting.AsTask().WaitAsync(Wait));
        Assert.Equal([1L, 2L], new[] { oneJobs.Current.Message.JobId, twoJobs.Current.Message.JobId }.Order());
    }

    [Fact]
    public async Task A_worker_holding_a_long_job_gets_no_second_and_the_stopped_workers_jobs_go_to_another_in_order()
    {
        await _node.Coordinator.PublishJobAsync(new JobMessage { JobId = 1, Run = new RunSpecMessage { RunId = "run" }, Robustness = new RobustnessJobMessage() }, CancellationToken.None);
        await Publish(2, 3);
        IWorkerTransport slow = _node.Worker("slow");
        IAsyncEnumerator<IDelivery<JobMessage>> slowJobs = slow.ReceiveJobsAsync(2, CancellationToken.None).GetAsyncEnumerator();
        Assert.True(await slowJobs.MoveNextAsync().AsTask().WaitAsync(Wait));
        Assert.Equal(1, slowJobs.Current.Message.JobId);
        await WaitForBoard(status => status is { Held: 1, Waiting: 2 });

        // Two breeding jobs are held by one worker, then it stops: both go back, in order.
        await using IWorkerTransport breeder = _node.Worker("breeder");
        await using IAsyncEnumerator<IDelivery<JobMessage>> breederJobs = breeder.ReceiveJobsAsync(2, CancellationToken.None).GetAsyncEnumerator();
        Assert.True(await breederJobs.MoveNextAsync().AsTask().WaitAsync(Wait));
        Assert.Equal(2, breederJobs.Current.Message.JobId);
        await WaitForBoard(status => status is { Held: 3, Waiting: 0 });
        await breeder.DisposeAsync();
        await WaitForBoard(status => status is { Held: 1, Waiting: 2, Workers: 1 });

        await slowJobs.Current.AckAsync();
        Assert.True(await slowJobs.MoveNextAsync().AsTask().WaitAsync(Wait));
        Assert.Equal(2, slowJobs.Current.Message.JobId);
        await slowJobs.Current.AckAsync();
        Assert.True(await slowJobs.MoveNextAsync().AsTask().WaitAsync(Wait));
        Assert.Equal(3, slowJobs.Current.Message.JobId);
        await slowJobs.DisposeAsync();
        await slow.DisposeAsync();
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
        await using IAsyncEnumerator<WorkerMessage> results = _node.Coordinator.ReceiveAsync(stop.Token).GetAsyncEnumerator(stop.Token);
        Assert.True(await results.MoveNextAsync());
        Assert.Equal("one", results.Current.Heartbeat.WorkerId);

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

    private async Task WaitForBoard(Func<Jobs.BoardStatus, bool> reached)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Jobs.BoardStatus status;
        while (!reached(status = await _node.BoardStatusAsync(Wait)))
        {
            Assert.True(clock.Elapsed < Wait, $"the board never reached the state awaited; it holds {status}");
            await Task.Delay(20);
        }
    }

    private async Task Publish(params long[] ids)
    {
        foreach (long id in ids)
        {
            await _node.Coordinator.PublishJobAsync(new JobMessage { JobId = id, Run = new RunSpecMessage { RunId = "run" } }, CancellationToken.None);
        }
    }
}
