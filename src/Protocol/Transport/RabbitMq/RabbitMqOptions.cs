namespace FoolingCluster.Protocol.Transport.RabbitMq;

/// <summary>Where the broker is, how the cluster's queues are named, and how hard to retry when it is away.</summary>
public sealed record RabbitMqOptions
{
    /// <summary>The broker, as an AMQP URI (user, password and virtual host included).</summary>
    public Uri Uri { get; init; } = new("amqp://guest:guest@localhost:5672/");

    /// <summary>
    /// Put in front of every queue and exchange name, so that several clusters (or tests) can share a broker:
    /// <c>{Prefix}jobs</c>, <c>{Prefix}results</c>, <c>{Prefix}control</c>.
    /// </summary>
    public string Prefix { get; init; } = DefaultPrefix;

    /// <summary>The prefix coordinators and workers use unless told otherwise.</summary>
    public const string DefaultPrefix = "fooling.";

    /// <summary>Shown in the broker's management UI for each connection, followed by the endpoint's role.</summary>
    public string ConnectionName { get; init; } = "fooling-cluster";

    /// <summary>Results and heartbeats the coordinator holds unacknowledged at most (a worker's job prefetch is the argument of <see cref="IWorkerTransport.ReceiveJobsAsync"/>).</summary>
    public ushort ResultsPrefetch { get; init; } = 256;

    /// <summary>How often the client tries to re-establish a lost connection (its automatic recovery).</summary>
    public TimeSpan NetworkRecoveryInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>First delay between attempts when connecting or publishing fails; it doubles (with jitter) up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Longest delay between two attempts.</summary>
    public TimeSpan RetryMaxDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long the first connection attempt keeps retrying an unreachable broker before giving up with
    /// <see cref="BrokerUnavailableException"/>; <see cref="Timeout.InfiniteTimeSpan"/> for as long as the
    /// caller's token allows. A connection lost later is recovered without this limit.
    /// </summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one publish or subscription keeps retrying before giving up; <see cref="Timeout.InfiniteTimeSpan"/> for as long as the caller's token allows.</summary>
    public TimeSpan RetryTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Called with a reason whenever a received message is dropped (too large, does not parse).</summary>
    public Action<string>? Dropped { get; init; }

    /// <summary>Called with connection events: retries, lost connections, recoveries, acknowledgements lost with a channel.</summary>
    public Action<string>? Log { get; init; }

    /// <summary>The durable work queue jobs go through.</summary>
    public string JobsQueue => Prefix + "jobs";

    /// <summary>The durable queue results and heartbeats go through.</summary>
    public string ResultsQueue => Prefix + "results";

    /// <summary>The fanout exchange control messages go through; each worker subscription binds its own queue to it.</summary>
    public string ControlExchange => Prefix + "control";
}
