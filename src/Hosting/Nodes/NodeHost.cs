using Akka.Actor;
using Akka.Hosting;
using FoolingCluster.Hosting.Wire;
using FoolingCluster.Protocol;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FoolingCluster.Hosting.Nodes;

/// <summary>
/// One actor system in this process, composed with Akka.Hosting: the settings every node
/// shares (the wire serializer for the cluster's messages, quiet logging, frames large enough
/// for any accepted message) plus what <c>configure</c> adds for the node's role. Disposing runs
/// the system's coordinated shutdown, which makes a cluster node leave the cluster first.
/// </summary>
public sealed class NodeHost : IAsyncDisposable
{
    /// <summary>The actor system's name; every node of a cluster must use the same.</summary>
    public const string SystemName = "fooling";

    private readonly IHost _host;

    private NodeHost(IHost host)
    {
        _host = host;
        System = host.Services.GetRequiredService<ActorSystem>();
        Registry = host.Services.GetRequiredService<ActorRegistry>();
    }

    /// <summary>The node's actor system.</summary>
    public ActorSystem System { get; }

    /// <summary>Actors registered by the node's composition (the job board or its proxy).</summary>
    public ActorRegistry Registry { get; }

    /// <summary>Largest remoting frame: any message the cluster accepts, plus room for its envelope.</summary>
    public static long MaxFrameBytes => MessageLimits.MaxMessageBytes + (1 << 20);

    /// <summary>Builds and starts the node.</summary>
    /// <param name="configure">What the node's role adds to the shared settings.</param>
    /// <param name="cancel">Stops the start.</param>
    /// <param name="listen">Where a cluster node listens (null for one without remoting), named when the system refuses it.</param>
    /// <exception cref="Tensors.InvalidInputException">The node cannot listen on <paramref name="listen"/> (in use, not this machine's, privileged).</exception>
    public static async Task<NodeHost> StartAsync(Action<AkkaConfigurationBuilder> configure, CancellationToken cancel, NodeAddress? listen = null)
    {
        ArgumentNullException.ThrowIfNull(configure);
        if (listen is not null)
        {
            ListenFailure.ThrowIfRefused(listen);
        }

        IHost host = new HostBuilder()
            .ConfigureServices(services => services.AddAkka(SystemName, builder =>
            {
                builder.AddHocon(SharedHocon, HoconAddMode.Prepend);
                builder.WithCustomSerializer(WireSerializer.Name, WireManifests.Types, system => new WireSerializer(system));
                builder.ConfigureLoggers(loggers =>
                {
                    loggers.LogLevel = Akka.Event.LogLevel.WarningLevel;
                    loggers.ClearLoggers();
                    loggers.AddLogger<ClusterLog>();
                });
                configure(builder);
            }))
            .Build();
        try
        {
            await host.StartAsync(cancel).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            host.Dispose();
            if (listen is not null && ListenFailure.Explain(ex, listen) is { } refusal)
            {
                throw refusal;
            }

            throw;
        }

        return new NodeHost(host);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            await _host.StopAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _host.Dispose();
    }

    // Akka's own log lines go through ClusterLog; signals are handled by the commands, which
    // then stop the host, so the CLR shutdown hook is not needed.
    private const string SharedHocon = """
        akka {
          stdout-loglevel = OFF
          log-dead-letters = off
          log-dead-letters-during-shutdown = off
          coordinated-shutdown.run-by-clr-shutdown-hook = off
        }
        """;
}
