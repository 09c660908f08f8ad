using System.Runtime.CompilerServices;
using FoolingCluster.Protocol.Messages;
using Google.Protobuf;
using RabbitMQ.Client;

namespace FoolingCluster.Protocol.Transport.RabbitMq;

/// <summary>
/// A worker's side over RabbitMQ: jobs from the durable work queue with manual acknowledgements and a
/// per-subscription prefetch (jobs unacknowledged when the worker's connection goes are delivered again,
/// flagged <see cref="IDelivery{T}.Redelivered"/>); results and heartbeats to the durable results queue with
/// publisher confirms; control messages through an exclusive, auto-deleted queue bound to the fanout exchange.
/// </summary>
public sealed class RabbitMqWorkerTransport : IWorkerTransport
{
    private readonly BrokerConnection _broker;

    private RabbitMqWorkerTransport(BrokerConnection broker)
    {
        _broker = broker;
    }

    /// <summary>Connects (waiting, with backoff, for a broker that is not up yet) and declares the cluster's queues and exchange.</summary>
    /// <param name="workerId">Names this worker's connection in the broker.</param>
    public static async Task<RabbitMqWorkerTransport> ConnectAsync(RabbitMqOptions options, string workerId, CancellationToken cancel)
    {
        BrokerConnection broker = await BrokerConnection.OpenAsync(options, $"worker {workerId}", cancel).ConfigureAwait(false);
        return new RabbitMqWorkerTransport(broker);
    }

    public async IAsyncEnumerable<IDelivery<JobMessage>> ReceiveJobsAsync(int prefetch, [EnumeratorCancellation] CancellationToken cancel)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(prefetch, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(prefetch, ushort.MaxValue);
        string queue = _broker.Options.JobsQueue;
        QueueConsumer<JobMessage> subscription = await _broker.SubscribeAsync(
            (ushort)prefetch, (_, _) => Task.FromResult(queue), JobMessage.Parser, "job", cancel).ConfigureAwait(false);
        await using (subscription.ConfigureAwait(false))
        {
            await foreach (RabbitMqDelivery<JobMessage> delivery in subscription.Reader.ReadAllAsync(cancel).ConfigureAwait(false))
            {
                yield return delivery;
            }
        }
    }

    public ValueTask PublishAsync(WorkerMessage message, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(message);
        return _broker.PublishAsync("", _broker.Options.ResultsQueue, message.ToByteArray(), persistent: true, mandatory: true, cancel);
    }

    public async IAsyncEnumerable<ControlMessage> ReceiveControlAsync([EnumeratorCancellation] CancellationToken cancel)
    {
        RabbitMqOptions options = _broker.Options;
        string queue = $"{options.ControlExchange}.{Guid.NewGuid():N}";
        QueueConsumer<ControlMessage> subscription = await _broker.SubscribeAsync(
            16,
            async (channel, ct) =>
            {
                await channel.QueueDeclareAsync(queue, durable: false, exclusive: true, autoDelete: true, cancellationToken: ct).ConfigureAwait(false);
                await channel.QueueBindAsync(queue, options.ControlExchange, "", cancellationToken: ct).ConfigureAwait(false);
                return queue;
            },
            ControlMessage.Parser,
            "control message",
            cancel).ConfigureAwait(false);
        await using (subscription.ConfigureAwait(false))
        {
            await foreach (RabbitMqDelivery<ControlMessage> delivery in subscription.Reader.ReadAllAsync(cancel).ConfigureAwait(false))
            {
                // Control messages are not work: taken is done.
                await delivery.AckAsync().ConfigureAwait(false);
                yield return delivery.Message;
            }
        }
    }

    public ValueTask DisposeAsync() => _broker.DisposeAsync();
}
