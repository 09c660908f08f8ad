using System.Collections.Concurrent;
using FoolingCluster.Protocol.Messages;
using FoolingCluster.Protocol.Transport.RabbitMq;
using RabbitMQ.Client;
using Xunit.Abstractions;

namespace FoolingCluster.Protocol.Tests;

/// <summary>Per-test names on the shared broker, options that retry quickly, and messages to send.</summary>
internal sealed class TransportTestSupport
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    private readonly RabbitMqBroker _broker;
    private readonly ITestOutputHelper _output;

    public TransportTestSupport(RabbitMqBroker broker, ITestOutputHelper output)
    {
        _broker = broker;
        _output = output;
        Options = new RabbitMqOptions
        {
            Uri = broker.Uri,
            Prefix = $"test-{Guid.NewGuid():N}.",
            ConnectionName = "fooling-tests",
            NetworkRecoveryInterval = TimeSpan.FromMilliseconds(500),
            RetryBaseDelay = TimeSpan.FromMilliseconds(100),
            RetryMaxDelay = TimeSpan.FromSeconds(1),
            RetryTimeout = TimeSpan.FromSeconds(60),
            Log = line => Write("transport: " + line),
            Dropped = reason =>
            {
                Dropped.Enqueue(reason);
                Write("dropped: " + reason);
            },
        };
    }

    /// <summary>Reasons the transports gave for dropped messages.</summary>
    public ConcurrentQueue<string> Dropped { get; } = new();

    /// <summary>Queue and exchange names no other test uses, quick retries, drops and connection events recorded.</summary>
    public RabbitMqOptions Options { get; }

    public Task<RabbitMqCoordinatorTransport> CoordinatorAsync() => RabbitMqCoordinatorTransport.ConnectAsync(Options, CancellationToken.None);

    public Task<RabbitMqWorkerTransport> WorkerAsync(string id) => RabbitMqWorkerTransport.ConnectAsync(Options, id, CancellationToken.None);

    /// <summary>A plain client channel on the broker, for looking at queues and publishing what a transport would not.</summary>
    public async Task<(IConnection Connection, IChannel Channel)> RawChannelAsync()
    {
        var factory = new ConnectionFactory { Uri = _broker.Uri, AutomaticRecoveryEnabled = false };
        IConnection connection = await factory.CreateConnectionAsync();
        IChannel channel = await connection.CreateChannelAsync();
        return (connection, channel);
    }

    /// <summary>Messages ready in a queue (not those delivered and unacknowledged).</summary>
    public async Task<uint> ReadyCountAsync(string queue)
    {
        (IConnection connection, IChannel channel) = await RawChannelAsync();
        await using (connection)
        await using (channel)
        {
            return (await channel.QueueDeclarePassiveAsync(queue)).MessageCount;
        }
    }

    public static JobMessage Job(long id) => new()
    {
        Run = new RunSpecMessage { RunId = "run-1", Encoding = "direct", Channels = 1, Height = 28, Width = 28, Classes = 10 },
        JobId = id,
        Generation = 3,
        Seed = 0xFEEDBEEFUL + (ulong)id,
        Children = 8,
        EliteFitness = { 0.5f, 0.25f },
    };

    public static WorkerMessage Result(long jobId, string worker) => new()
    {
        Result = new ResultMessage { RunId = "run-1", JobId = jobId, WorkerId = worker, Evaluations = 8 },
    };

    public static WorkerMessage Heartbeat(string worker) => new()
    {
        Heartbeat = new HeartbeatMessage { WorkerId = worker, Host = "test", Threads = 2, State = "idle" },
    };

    private void Write(string line)
    {
        try
        {
            _output.WriteLine(line);
        }
        catch (InvalidOperationException)
        {
            // The test is over; a late line from a background thread has nowhere to go.
        }
    }
}
