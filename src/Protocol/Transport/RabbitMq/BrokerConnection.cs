using Google.Protobuf;
using Polly;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace FoolingCluster.Protocol.Transport.RabbitMq;

/// <summary>
/// What both endpoints share: one automatically recovering connection, the cluster's topology declared on
/// it, a publisher-confirmed channel for everything sent, and the subscriptions opened on it.
/// </summary>
internal sealed class BrokerConnection : IAsyncDisposable
{
    /// <summary>
    /// The client closes its connection on a larger message, and recovery would then fetch it again forever;
    /// this is RabbitMQ's default <c>max_message_size</c>, so anything the broker accepts arrives and is dropped
    /// here for exceeding <see cref="MessageLimits.MaxMessageBytes"/>.
    /// </summary>
    private const uint MaxInboundMessageBodySize = 128 << 20;

    private readonly IConnection _connection;
    private readonly RabbitMqOptions _options;
    private readonly ResiliencePipeline _publishRetry;
    private readonly SemaphoreSlim _publisherGate = new(1, 1);
    private readonly HashSet<IAsyncDisposable> _subscriptions = [];
    private readonly Lock _gate = new();
    private IChannel? _publisher;
    private int _disposed;

    private BrokerConnection(IConnection connection, RabbitMqOptions options)
    {
        _connection = connection;
        _options = options;
        _publishRetry = RetryPolicy.Create(options, "publishing");
        _connection.ConnectionShutdownAsync += OnShutdownAsync;
        _connection.RecoverySucceededAsync += OnRecoveredAsync;
        _connection.ConnectionRecoveryErrorAsync += OnRecoveryErrorAsync;
    }

    public RabbitMqOptions Options => _options;

    /// <summary>Connects (retrying while the broker is unreachable, for <see cref="RabbitMqOptions.ConnectTimeout"/>) and declares the queues and the exchange.</summary>
    /// <exception cref="BrokerUnavailableException">The broker was not reached in time, or refused the connection.</exception>
    public static async Task<BrokerConnection> OpenAsync(RabbitMqOptions options, string role, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(options);
        var factory = new ConnectionFactory
        {
            Uri = options.Uri,
            ClientProvidedName = $"{options.ConnectionName} ({role})",
            AutomaticRecoveryEnabled = true,
            TopologyRecoveryEnabled = true,
            NetworkRecoveryInterval = options.NetworkRecoveryInterval,
            MaxInboundMessageBodySize = MaxInboundMessageBodySize,
        };
        IConnection connection = await FirstConnection.OpenAsync(
            options,
            async ct =>
            {
                IConnection opened = await factory.CreateConnectionAsync(ct).ConfigureAwait(false);
                try
                {
                    await DeclareTopologyAsync(opened, options, ct).ConfigureAwait(false);
                    return opened;
                }
                catch
                {
                    await opened.DisposeAsync().ConfigureAwait(false);
                    throw;
                }
            },
            cancel).ConfigureAwait(false);
        return new BrokerConnection(connection, options);
    }

    private static async Task DeclareTopologyAsync(IConnection connection, RabbitMqOptions options, CancellationToken cancel)
    {
        IChannel channel = await connection.CreateChannelAsync(cancellationToken: cancel).ConfigureAwait(false);
        await using (channel.ConfigureAwait(false))
        {
            await channel.QueueDeclareAsync(options.JobsQueue, durable: true, exclusive: false, autoDelete: false, cancellationToken: cancel).ConfigureAwait(false);
            await channel.QueueDeclareAsync(options.ResultsQueue, durable: true, exclusive: false, autoDelete: false, cancellationToken: cancel).ConfigureAwait(false);
            await channel.ExchangeDeclareAsync(options.ControlExchange, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: cancel).ConfigureAwait(false);
            await channel.CloseAsync(cancel).ConfigureAwait(false);
        }
    }

    /// <summary>Publishes and waits for the broker's confirm, retrying through a lost connection (so a message can arrive twice, never zero times).</summary>
    public ValueTask PublishAsync(string exchange, string routingKey, byte[] body, bool persistent, bool mandatory, CancellationToken cancel) =>
        _publishRetry.ExecuteAsync(
            async ct =>
            {
                IChannel channel = await PublisherAsync(ct).ConfigureAwait(false);
                var properties = new BasicProperties
                {
                    ContentType = "application/x-protobuf",
                    DeliveryMode = persistent ? DeliveryModes.Persistent : DeliveryModes.Transient,
                };
                await channel.BasicPublishAsync(exchange, routingKey, mandatory, properties, body, ct).ConfigureAwait(false);
            },
            cancel);

    /// <summary>Empties a queue (messages delivered and not yet acknowledged stay).</summary>
    public ValueTask PurgeAsync(string queue, CancellationToken cancel) =>
        _publishRetry.ExecuteAsync(
            async ct =>
            {
                IChannel channel = await PublisherAsync(ct).ConfigureAwait(false);
                await channel.QueuePurgeAsync(queue, ct).ConfigureAwait(false);
            },
            cancel);

    /// <summary>
    /// Opens a channel with the given per-consumer prefetch, lets <paramref name="declare"/> name (and if need
    /// be declare) the queue, and subscribes to it; retried while the broker is away.
    /// </summary>
    public async Task<QueueConsumer<T>> SubscribeAsync<T>(
        ushort prefetch, Func<IChannel, CancellationToken, Task<string>> declare, MessageParser<T> parser, string what, CancellationToken cancel)
        where T : class, IMessage<T>
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        QueueConsumer<T> subscription = await _publishRetry.ExecuteAsync(
            async ct =>
            {
                IChannel channel = await _connection.CreateChannelAsync(cancellationToken: ct).ConfigureAwait(false);
                try
                {
                    await channel.BasicQosAsync(0, prefetch, global: false, ct).ConfigureAwait(false);
                    string queue = await declare(channel, ct).ConfigureAwait(false);
                    return await QueueConsumer<T>.StartAsync(channel, queue, parser, what, _options, Forget, ct).ConfigureAwait(false);
                }
                catch
                {
                    await channel.DisposeAsync().ConfigureAwait(false);
                    throw;
                }
            },
            cancel).ConfigureAwait(false);
        lock (_gate)
        {
            _subscriptions.Add(subscription);
        }

        if (Volatile.Read(ref _disposed) != 0)
        {
            await subscription.DisposeAsync().ConfigureAwait(false);
        }

        return subscription;
    }

    private void Forget(IAsyncDisposable subscription)
    {
        lock (_gate)
        {
            _subscriptions.Remove(subscription);
        }
    }

    /// <summary>
    /// The confirmed channel everything is published on. The client recovers it with its connection; one the
    /// broker closed for an error (the connection still up) is replaced.
    /// </summary>
    private async ValueTask<IChannel> PublisherAsync(CancellationToken cancel)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        IChannel? current = _publisher;
        if (current is not null && !(current.IsClosed && _connection.IsOpen))
        {
            return current;
        }

        await _publisherGate.WaitAsync(cancel).ConfigureAwait(false);
        try
        {
            current = _publisher;
            if (current is not null && !(current.IsClosed && _connection.IsOpen))
            {
                return current;
            }

            if (current is not null)
            {
                _options.Log?.Invoke($"publishing channel closed ({current.CloseReason}); opening another");
                await current.DisposeAsync().ConfigureAwait(false);
            }

            _publisher = await _connection.CreateChannelAsync(
                new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true),
                cancel).ConfigureAwait(false);
            return _publisher;
        }
        finally
        {
            _publisherGate.Release();
        }
    }

    private Task OnShutdownAsync(object sender, ShutdownEventArgs args)
    {
        if (Volatile.Read(ref _disposed) == 0)
        {
            _options.Log?.Invoke($"connection lost ({args.ReplyCode} {args.ReplyText}); recovering every {_options.NetworkRecoveryInterval.TotalSeconds:0.#} s");
        }

        return Task.CompletedTask;
    }

    private Task OnRecoveredAsync(object sender, AsyncEventArgs args)
    {
        _options.Log?.Invoke("connection recovered");
        return Task.CompletedTask;
    }

    private Task OnRecoveryErrorAsync(object sender, ConnectionRecoveryErrorEventArgs args)
    {
        _options.Log?.Invoke($"connection recovery failed ({args.Exception.Message}); trying again");
        return Task.CompletedTask;
    }

    /// <summary>Ends every subscription (the broker takes back what they held unacknowledged) and closes the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        IAsyncDisposable[] subscriptions;
        lock (_gate)
        {
            subscriptions = [.. _subscriptions];
        }

        foreach (IAsyncDisposable subscription in subscriptions)
        {
            await subscription.DisposeAsync().ConfigureAwait(false);
        }

        using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            if (_connection.IsOpen)
            {
                await _connection.CloseAsync(bounded.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is OperationInterruptedException or IOException or OperationCanceledException or TimeoutException)
        {
            _options.Log?.Invoke($"closing the connection: {ex.Message}");
        }
        finally
        {
            if (_publisher is not null)
            {
                await _publisher.DisposeAsync().ConfigureAwait(false);
            }

            await _connection.DisposeAsync().ConfigureAwait(false);
            _publisherGate.Dispose();
        }
    }
}
