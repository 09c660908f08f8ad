using System.Diagnostics;
using FoolingCluster.Protocol.Messages;
using FoolingCluster.Protocol.Transport;
using FoolingCluster.Protocol.Transport.RabbitMq;
using Xunit;
using Xunit.Abstractions;

namespace FoolingCluster.Protocol.Tests;

/// <summary>The transports through a broker restart (a broker of its own: stopping it would disturb other tests).</summary>
public sealed class RabbitMqRecoveryTests(RabbitMqBroker broker, ITestOutputHelper output) : IClassFixture<RabbitMqBroker>
{
    private static readonly TimeSpan Recovery = TimeSpan.FromSeconds(30);

    [RabbitMqFact]
    public async Task After_a_broker_restart_the_same_transports_publish_and_consume_again()
    {
        var support = new TransportTestSupport(broker, output);
        await using RabbitMqCoordinatorTransport coordinator = await support.CoordinatorAsync();
        await using RabbitMqWorkerTransport worker = await support.WorkerAsync("w");
        await using var jobs = new Collector<IDelivery<JobMessage>>(worker.ReceiveJobsAsync(2, CancellationToken.None));
        await using var results = new Collector<IDelivery<WorkerMessage>>(coordinator.ReceiveAsync(CancellationToken.None));

        await coordinator.PublishJobAsync(TransportTestSupport.Job(1), CancellationToken.None);
        IDelivery<JobMessage> before = await jobs.NextAsync(TransportTestSupport.Wait);
        await before.AckAsync();
        await worker.PublishAsync(TransportTestSupport.Result(1, "w"), CancellationToken.None);
        await (await results.NextAsync(TransportTestSupport.Wait)).AckAsync();

        await broker.StopAsync();
        var outage = Stopwatch.StartNew();

        // While the broker is down, a publish and a worker starting up wait for it rather than fail.
        Task publishing = coordinator.PublishJobAsync(TransportTestSupport.Job(2), CancellationToken.None).AsTask();
        Task<RabbitMqWorkerTransport> starting = support.WorkerAsync("started-during-outage");
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.False(publishing.IsCompleted, "a publish completed with the broker down");
        Assert.False(starting.IsCompleted, "a worker connected with the broker down");

        await broker.StartAsync();
        output.WriteLine($"broker back after {outage.Elapsed.TotalSeconds:0.0} s");

        await publishing.WaitAsync(Recovery);
        // Delivery is at least once: an acknowledgement the broker had not yet recorded when it
        // stopped brings the message before the outage back, which a consumer drops as seen.
        IDelivery<JobMessage> job = await jobs.NextAsync(Recovery);
        while (job.Message.Equals(TransportTestSupport.Job(1)))
        {
            await job.AckAsync();
            job = await jobs.NextAsync(Recovery);
        }

        Assert.Equal(TransportTestSupport.Job(2), job.Message);
        await job.AckAsync();

        await worker.PublishAsync(TransportTestSupport.Result(2, "w"), CancellationToken.None).AsTask().WaitAsync(Recovery);
        IDelivery<WorkerMessage> result = await results.NextAsync(Recovery);
        while (result.Message.Equals(TransportTestSupport.Result(1, "w")))
        {
            await result.AckAsync();
            result = await results.NextAsync(Recovery);
        }

        Assert.Equal(TransportTestSupport.Result(2, "w"), result.Message);
        await result.AckAsync();

        await using RabbitMqWorkerTransport late = await starting.WaitAsync(Recovery);
        await late.PublishAsync(TransportTestSupport.Heartbeat("late"), CancellationToken.None);
        Assert.Equal(TransportTestSupport.Heartbeat("late"), (await results.NextAsync(Recovery)).Message);
        output.WriteLine($"all through {outage.Elapsed.TotalSeconds:0.0} s after the broker stopped");
    }
}
