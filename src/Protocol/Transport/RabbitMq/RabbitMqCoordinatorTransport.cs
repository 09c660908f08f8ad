using System.Runtime.CompilerServices;
using FoolingCluster.Protocol.Messages;
using Google.Protobuf;

namespace FoolingCluster.Protocol.Transport.RabbitMq;

/// <summary>
/// The coordinator's side over RabbitMQ: jobs go to the durable work queue as persistent messages, control
/// messages to the fanout exchange, both with publisher confirms; results and heartbeats come from the durable
/// results queue with manual acknowledgements. Connecting and publishing retry through broker restarts.
/// </summary>
public sealed class RabbitMqCoordinatorTransport : ICoordinatorTransport
{
    private readonly BrokerConnection _broker;

    private RabbitMqCoordinatorTransport(BrokerConnection broker)
    {
        _broker = broker;
    }

    /// <summary>Connects (waiting, with backoff, for a broker that is not up yet) and declares the cluster's queues and exchange.</summary>
    public static async Task<RabbitMqCoordinatorTransport> ConnectAsync(RabbitMqOptions options, CancellationToken cancel)
    {
        BrokerConnection broker = await BrokerConnection.OpenAsync(options, "coordinator", cancel).ConfigureAwait(false);
        return new RabbitMqCoordinatorTransport(broker);
    }

    public ValueTask PublishJobAsync(JobMessage job, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(job);
        return _broker.PublishAsync("", _broker.Options.JobsQueue, job.ToByteArray(), persistent: true, mandatory: true, cancel);
    }

    public ValueTask PublishControlAsync(ControlMessage control, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(control);
        return _broker.PublishAsync(_broker.Options.ControlExchange, "", control.ToByteArray(), persistent: false, mandatory: false, cancel);
    }

    public ValueTask PurgeJobsAsync(CancellationToken cancel) => _broker.PurgeAsync(_broker.Options.JobsQueue, cancel);

    public async IAsyncEnumerable<IDelivery<WorkerMessage>> ReceiveAsync([EnumeratorCancellation] CancellationToken cancel)
    {
        string queue = _broker.Options.ResultsQueue;
        QueueConsumer<WorkerMessage> subscription = await _broker.SubscribeAsync(
            _broker.Options.ResultsPrefetch, (_, _) => Task.FromResult(queue), WorkerMessage.Parser, "worker message", cancel).ConfigureAwait(false);
        await using (subscription.ConfigureAwait(false))
        {
            await foreach (RabbitMqDelivery<WorkerMessage> delivery in subscription.Reader.ReadAllAsync(cancel).ConfigureAwait(false))
            {
                yield return delivery;
            }
        }
    }

    public ValueTask DisposeAsync() => _broker.DisposeAsync();
}
