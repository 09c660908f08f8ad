using System.Threading.Channels;
using Google.Protobuf;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace FoolingCluster.Protocol.Transport.RabbitMq;

/// <summary>
/// One subscription: its own channel (so its prefetch and its unacknowledged messages are its own), an
/// async consumer that parses each delivery and feeds a <see cref="Channel{T}"/>, and the reader side of
/// that for an <see cref="IAsyncEnumerable{T}"/>. Messages too large or that do not parse are acked and
/// dropped here. Across a connection recovery the client re-subscribes on a new channel and deliveries resume.
/// </summary>
internal sealed class QueueConsumer<T> : IAsyncDisposable
    where T : class, IMessage<T>
{
    /// <summary>How long a subscription the broker cancelled may take to come back before it counts as ended.</summary>
    private static readonly TimeSpan CancelGrace = TimeSpan.FromSeconds(10);

    private readonly IChannel _channel;
    private readonly string _queue;
    private readonly MessageParser<T> _parser;
    private readonly string _what;
    private readonly RabbitMqOptions _options;
    private readonly Channel<RabbitMqDelivery<T>> _buffer =
        Channel.CreateUnbounded<RabbitMqDelivery<T>>(new UnboundedChannelOptions { SingleWriter = true });

    private readonly Action<QueueConsumer<T>> _onDisposed;
    private readonly AsyncEventingBasicConsumer _consumer;
    private string? _consumerTag;
    private int _disposed;

    private QueueConsumer(IChannel channel, string queue, MessageParser<T> parser, string what, RabbitMqOptions options, Action<QueueConsumer<T>> onDisposed)
    {
        _channel = channel;
        _queue = queue;
        _parser = parser;
        _what = what;
        _options = options;
        _onDisposed = onDisposed;
        _consumer = new AsyncEventingBasicConsumer(channel);
        _consumer.ReceivedAsync += OnReceivedAsync;
        _consumer.UnregisteredAsync += OnUnregisteredAsync;
        channel.ChannelShutdownAsync += OnChannelShutdownAsync;
    }

    /// <summary>Deliveries in the order the broker sent them; completes when the subscription ends.</summary>
    public ChannelReader<RabbitMqDelivery<T>> Reader => _buffer.Reader;

    /// <summary>Subscribes to <paramref name="queue"/> on <paramref name="channel"/> (which the consumer then owns).</summary>
    public static async Task<QueueConsumer<T>> StartAsync(
        IChannel channel, string queue, MessageParser<T> parser, string what, RabbitMqOptions options,
        Action<QueueConsumer<T>> onDisposed, CancellationToken cancel)
    {
        var subscription = new QueueConsumer<T>(channel, queue, parser, what, options, onDisposed);
        subscription._consumerTag = await channel.BasicConsumeAsync(queue, autoAck: false, subscription._consumer, cancel).ConfigureAwait(false);
        return subscription;
    }

    private async Task OnReceivedAsync(object sender, BasicDeliverEventArgs delivery)
    {
        // The body is only valid during this call: the size check comes first, and parsing copies.
        T? message = MessageCodec.TryParse(_parser, delivery.Body, $"{_what} from {_queue}", _options.Dropped);
        if (message is null)
        {
            await RabbitMqDelivery<T>.SettleAsync(_channel, delivery.DeliveryTag, ack: true, requeue: false, _options.Log).ConfigureAwait(false);
            return;
        }

        var received = new RabbitMqDelivery<T>(message, delivery.Redelivered, _channel, delivery.DeliveryTag, _options.Log);
        if (!_buffer.Writer.TryWrite(received))
        {
            // Unsubscribing: hand it back now rather than when the channel closes.
            await received.RejectAsync(requeue: true).ConfigureAwait(false);
        }
    }

    private Task OnUnregisteredAsync(object sender, ConsumerEventArgs args)
    {
        if (Volatile.Read(ref _disposed) == 0)
        {
            // A broker shutting down cancels its consumers before it closes the connection, and the
            // client subscribes again on recovery; a cancel with the connection staying up means the
            // queue went away, and the subscription with it.
            _options.Log?.Invoke($"the broker cancelled the subscription to {_queue}");
            _ = EndIfNotResumedAsync();
        }

        return Task.CompletedTask;
    }

    private async Task EndIfNotResumedAsync()
    {
        await Task.Delay(CancelGrace).ConfigureAwait(false);
        if (Volatile.Read(ref _disposed) == 0 && _channel.IsOpen && !_consumer.IsRunning)
        {
            _buffer.Writer.TryComplete(new InvalidOperationException(
                $"the broker cancelled the subscription to {_queue} and it did not resume with the connection up (was the queue deleted?)"));
        }
    }

    private Task OnChannelShutdownAsync(object sender, ShutdownEventArgs args)
    {
        // A lost connection is recovered by the client; a channel the broker closed for an error is not.
        if (Volatile.Read(ref _disposed) == 0 && args.Initiator == ShutdownInitiator.Peer && IsChannelError(args.ReplyCode))
        {
            _buffer.Writer.TryComplete(new InvalidOperationException($"the broker closed the channel subscribed to {_queue}: {args.ReplyCode} {args.ReplyText}"));
        }

        return Task.CompletedTask;
    }

    /// <summary>AMQP's soft errors, which close a channel and leave the connection up.</summary>
    private static bool IsChannelError(ushort replyCode) => replyCode is 311 or 312 or 313 or 403 or 404 or 405 or 406;

    /// <summary>Unsubscribes and closes the channel: the broker takes back every message not acknowledged yet.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _buffer.Writer.TryComplete();
        using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            if (_consumerTag is not null && _channel.IsOpen)
            {
                await _channel.BasicCancelAsync(_consumerTag, noWait: false, bounded.Token).ConfigureAwait(false);
            }

            if (_channel.IsOpen)
            {
                await _channel.CloseAsync(bounded.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is OperationInterruptedException or IOException or OperationCanceledException or TimeoutException)
        {
            _options.Log?.Invoke($"closing the subscription to {_queue}: {ex.Message}");
        }
        finally
        {
            await _channel.DisposeAsync().ConfigureAwait(false);
            _onDisposed(this);
        }
    }
}
