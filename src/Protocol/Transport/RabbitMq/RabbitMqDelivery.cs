using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace FoolingCluster.Protocol.Transport.RabbitMq;

/// <summary>A message received on a channel, settled there by its delivery tag exactly once.</summary>
internal sealed class RabbitMqDelivery<T>(T message, bool redelivered, IChannel channel, ulong deliveryTag, Action<string>? log) : IDelivery<T>
{
    private int _settled;

    public T Message => message;

    public bool Redelivered => redelivered;

    public ValueTask AckAsync() =>
        Interlocked.Exchange(ref _settled, 1) == 0
            ? SettleAsync(channel, deliveryTag, ack: true, requeue: false, log)
            : ValueTask.CompletedTask;

    public ValueTask RejectAsync(bool requeue) =>
        Interlocked.Exchange(ref _settled, 1) == 0
            ? SettleAsync(channel, deliveryTag, ack: false, requeue, log)
            : ValueTask.CompletedTask;

    /// <summary>
    /// Acks or rejects; a channel lost meanwhile is not an error the receiver can act on: the broker has
    /// already taken the message back and delivers it again (the client ignores tags from before a recovery).
    /// </summary>
    internal static async ValueTask SettleAsync(IChannel channel, ulong deliveryTag, bool ack, bool requeue, Action<string>? log)
    {
        try
        {
            if (ack)
            {
                await channel.BasicAckAsync(deliveryTag, multiple: false).ConfigureAwait(false);
            }
            else
            {
                await channel.BasicRejectAsync(deliveryTag, requeue).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is OperationInterruptedException or ObjectDisposedException or IOException)
        {
            log?.Invoke($"{(ack ? "ack" : "reject")} of delivery {deliveryTag} lost with its channel ({ex.Message}); the broker delivers the message again");
        }
    }
}
