using FoolingCluster.Protocol.Messages;
using FoolingCluster.Protocol.Transport;
using FoolingCluster.Protocol.Transport.RabbitMq;
using RabbitMQ.Client;
using Xunit;
using Xunit.Abstractions;

namespace FoolingCluster.Protocol.Tests;

/// <summary>The RabbitMQ transports against a real broker: work queue, acknowledgements, prefetch, results, control fanout, purge, bad messages.</summary>
public sealed class RabbitMqTransportTests(RabbitMqBroker broker, ITestOutputHelper output) : IClassFixture<RabbitMqBroker>
{
    private static readonly TimeSpan Wait = TransportTestSupport.Wait;
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(700);

    private readonly TransportTestSupport _support = new(broker, output);

    [RabbitMqFact]
    public async Task A_job_published_by_the_coordinator_reaches_a_worker_and_its_ack_removes_it()
    {
        await using RabbitMqCoordinatorTransport coordinator = await _support.CoordinatorAsync();
        await coordinator.PublishJobAsync(TransportTestSupport.Job(7), CancellationToken.None);

        await using (RabbitMqWorkerTransport worker = await _support.WorkerAsync("w1"))
        await using (var jobs = new Collector<IDelivery<JobMessage>>(worker.ReceiveJobsAsync(4, CancellationToken.None)))
        {
            IDelivery<JobMessage> job = await jobs.NextAsync(Wait);
            Assert.Equal(TransportTestSupport.Job(7), job.Message);
            Assert.False(job.Redelivered);
            await job.AckAsync();
        }

        // Acknowledged, then the worker went away: nothing comes back to the queue or to another worker.
        await using RabbitMqWorkerTransport other = await _support.WorkerAsync("w2");
        await using var again = new Collector<IDelivery<JobMessage>>(other.ReceiveJobsAsync(4, CancellationToken.None));
        Assert.Empty(await again.DrainAfterAsync(Quiet));
        Assert.Equal(0u, await _support.ReadyCountAsync(_support.Options.JobsQueue));
    }

    [RabbitMqFact]
    public async Task A_job_left_unacknowledged_by_a_worker_that_goes_away_is_redelivered_to_another()
    {
        await using RabbitMqCoordinatorTransport coordinator = await _support.CoordinatorAsync();
        await coordinator.PublishJobAsync(TransportTestSupport.Job(11), CancellationToken.None);

        RabbitMqWorkerTransport dying = await _support.WorkerAsync("dying");
        await using (var held = new Collector<IDelivery<JobMessage>>(dying.ReceiveJobsAsync(1, CancellationToken.None)))
        {
            IDelivery<JobMessage> first = await held.NextAsync(Wait);
            Assert.Equal(11, first.Message.JobId);
            Assert.False(first.Redelivered);
            await dying.DisposeAsync();
        }

        await using RabbitMqWorkerTransport survivor = await _support.WorkerAsync("survivor");
        await using var jobs = new Collector<IDelivery<JobMessage>>(survivor.ReceiveJobsAsync(1, CancellationToken.None));
        IDelivery<JobMessage> again = await jobs.NextAsync(Wait);
        Assert.Equal(TransportTestSupport.Job(11), again.Message);
        Assert.True(again.Redelivered);
        await again.AckAsync();
    }

    [RabbitMqFact]
    public async Task With_prefetch_one_a_worker_holding_a_job_gets_no_second_while_another_worker_does()
    {
        await using RabbitMqCoordinatorTransport coordinator = await _support.CoordinatorAsync();
        await coordinator.PublishJobAsync(TransportTestSupport.Job(1), CancellationToken.None);
        await coordinator.PublishJobAsync(TransportTestSupport.Job(2), CancellationToken.None);

        await using RabbitMqWorkerTransport busy = await _support.WorkerAsync("busy");
        await using var busyJobs = new Collector<IDelivery<JobMessage>>(busy.ReceiveJobsAsync(1, CancellationToken.None));
        IDelivery<JobMessage> held = await busyJobs.NextAsync(Wait);
        Assert.Equal(1, held.Message.JobId);
        Assert.Empty(await busyJobs.DrainAfterAsync(Quiet));

        await using RabbitMqWorkerTransport idle = await _support.WorkerAsync("idle");
        await using var idleJobs = new Collector<IDelivery<JobMessage>>(idle.ReceiveJobsAsync(1, CancellationToken.None));
        IDelivery<JobMessage> second = await idleJobs.NextAsync(Wait);
        Assert.Equal(2, second.Message.JobId);
        Assert.False(second.Redelivered);

        await held.AckAsync();
        await second.AckAsync();
        Assert.Empty(await busyJobs.DrainAfterAsync(Quiet));
    }

    [RabbitMqFact]
    public async Task Results_and_heartbeats_published_by_workers_reach_the_coordinator()
    {
        await using RabbitMqCoordinatorTransport coordinator = await _support.CoordinatorAsync();
        await using RabbitMqWorkerTransport one = await _support.WorkerAsync("one");
        await using RabbitMqWorkerTransport two = await _support.WorkerAsync("two");
        await one.PublishAsync(TransportTestSupport.Result(5, "one"), CancellationToken.None);
        await two.PublishAsync(TransportTestSupport.Heartbeat("two"), CancellationToken.None);
        await one.PublishAsync(TransportTestSupport.Heartbeat("one"), CancellationToken.None);

        await using var received = new Collector<IDelivery<WorkerMessage>>(coordinator.ReceiveAsync(CancellationToken.None));
        var messages = new List<WorkerMessage>();
        for (int i = 0; i < 3; i++)
        {
            IDelivery<WorkerMessage> delivery = await received.NextAsync(Wait);
            messages.Add(delivery.Message);
            await delivery.AckAsync();
        }

        Assert.Equal(
            new[] { TransportTestSupport.Result(5, "one"), TransportTestSupport.Heartbeat("two"), TransportTestSupport.Heartbeat("one") },
            messages);
        Assert.Empty(await received.DrainAfterAsync(Quiet));
    }

    [RabbitMqFact]
    public async Task A_control_message_fans_out_to_every_worker()
    {
        await using RabbitMqCoordinatorTransport coordinator = await _support.CoordinatorAsync();
        await using RabbitMqWorkerTransport one = await _support.WorkerAsync("one");
        await using RabbitMqWorkerTransport two = await _support.WorkerAsync("two");
        await using var oneControl = new Collector<ControlMessage>(one.ReceiveControlAsync(CancellationToken.None));
        await using var twoControl = new Collector<ControlMessage>(two.ReceiveControlAsync(CancellationToken.None));

        // A subscription starts when its enumeration does, in the background: ping until both hear one.
        var warmup = new ControlMessage { RunId = "warmup", Command = ControlMessage.Types.Command.Resume };
        bool oneHeard = false, twoHeard = false;
        using var deadline = new CancellationTokenSource(Wait);
        while (!(oneHeard && twoHeard))
        {
            deadline.Token.ThrowIfCancellationRequested();
            await coordinator.PublishControlAsync(warmup, CancellationToken.None);
            oneHeard |= (await oneControl.DrainAfterAsync(TimeSpan.FromMilliseconds(100))).Count > 0;
            twoHeard |= (await twoControl.DrainAfterAsync(TimeSpan.FromMilliseconds(0))).Count > 0;
        }

        await Task.Delay(200);
        await oneControl.DrainAfterAsync(TimeSpan.Zero);
        await twoControl.DrainAfterAsync(TimeSpan.Zero);

        var stop = new ControlMessage { RunId = "run-1", Command = ControlMessage.Types.Command.Stop };
        await coordinator.PublishControlAsync(stop, CancellationToken.None);
        Assert.Equal(stop, await oneControl.NextAsync(Wait));
        Assert.Equal(stop, await twoControl.NextAsync(Wait));
    }

    [RabbitMqFact]
    public async Task Purging_drops_the_queued_jobs()
    {
        await using RabbitMqCoordinatorTransport coordinator = await _support.CoordinatorAsync();
        for (int i = 1; i <= 3; i++)
        {
            await coordinator.PublishJobAsync(TransportTestSupport.Job(i), CancellationToken.None);
        }

        Assert.Equal(3u, await _support.ReadyCountAsync(_support.Options.JobsQueue));
        await coordinator.PurgeJobsAsync(CancellationToken.None);
        Assert.Equal(0u, await _support.ReadyCountAsync(_support.Options.JobsQueue));
        await coordinator.PublishJobAsync(TransportTestSupport.Job(99), CancellationToken.None);

        await using RabbitMqWorkerTransport worker = await _support.WorkerAsync("w");
        await using var jobs = new Collector<IDelivery<JobMessage>>(worker.ReceiveJobsAsync(8, CancellationToken.None));
        IDelivery<JobMessage> only = await jobs.NextAsync(Wait);
        Assert.Equal(99, only.Message.JobId);
        await only.AckAsync();
        Assert.Empty(await jobs.DrainAfterAsync(Quiet));
    }

    [RabbitMqFact]
    public async Task Oversized_and_garbage_results_are_dropped_with_a_reason_and_do_not_block_the_next()
    {
        await using RabbitMqCoordinatorTransport coordinator = await _support.CoordinatorAsync();
        string results = _support.Options.ResultsQueue;
        (IConnection connection, IChannel channel) = await _support.RawChannelAsync();
        await using (connection)
        await using (channel)
        {
            await channel.BasicPublishAsync("", results, new byte[MessageLimits.MaxMessageBytes + 1]);
            await channel.BasicPublishAsync("", results, new byte[] { 0x0A, 0xFF, 0xFF });
        }

        await using RabbitMqWorkerTransport worker = await _support.WorkerAsync("w");
        await worker.PublishAsync(TransportTestSupport.Heartbeat("w"), CancellationToken.None);

        await using (var received = new Collector<IDelivery<WorkerMessage>>(coordinator.ReceiveAsync(CancellationToken.None)))
        {
            IDelivery<WorkerMessage> valid = await received.NextAsync(Wait);
            Assert.Equal(TransportTestSupport.Heartbeat("w"), valid.Message);
            await valid.AckAsync();
            Assert.Empty(await received.DrainAfterAsync(Quiet));
        }

        string[] reasons = [.. _support.Dropped];
        Assert.Equal(2, reasons.Length);
        Assert.Contains("16,777,217 bytes", reasons[0]);
        Assert.Contains(results, reasons[0]);
        Assert.Contains("does not parse", reasons[1]);

        // Dropped means acknowledged: nothing went back to the queue when the subscription closed.
        await Task.Delay(200);
        Assert.Equal(0u, await _support.ReadyCountAsync(results));
    }
}
