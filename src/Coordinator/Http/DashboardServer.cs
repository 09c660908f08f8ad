using System.Net;
using FoolingCluster.Tensors;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FoolingCluster.Coordinator.Http;

/// <summary>
/// The coordinator's HTTP API and dashboard on Kestrel: the page, the archive, history,
/// workers, live updates (server-sent events), Prometheus metrics, model download for
/// workers, and token-guarded control and export. See <see cref="DashboardEndpoints"/> for
/// the routes and <see cref="DashboardOptions"/> for the bind and token rules.
/// </summary>
public sealed class DashboardServer : IAsyncDisposable
{
    /// <summary>How long stopping waits for requests in flight before closing their connections.</summary>
    private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(3);

    /// <summary>How long open live-update streams get to send the last snapshot (a finished run's) before they are closed.</summary>
    private static readonly TimeSpan LastEventGrace = TimeSpan.FromSeconds(1);

    private readonly WebApplication _app;
    private readonly DashboardEndpoints _endpoints;
    private readonly CancellationTokenSource _closing;
    private bool _disposed;

    private DashboardServer(WebApplication app, DashboardEndpoints endpoints, CancellationTokenSource closing, Uri uri)
    {
        _app = app;
        _endpoints = endpoints;
        _closing = closing;
        Uri = uri;
    }

    /// <summary>Where the dashboard is served (the bound port, never 0); for an every-interface bind, this machine's name.</summary>
    public Uri Uri { get; }

    /// <summary>
    /// Binds and starts serving <paramref name="view"/>. Refuses (with <see cref="InvalidInputException"/>)
    /// an unparsable address, a non-loopback bind without a token, and an address in use.
    /// </summary>
    public static async Task<DashboardServer> StartAsync(IRunView view, DashboardOptions options, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(view);
        ListenAddress listen = Check(options);
        string? token = options.Token;

        // The empty builder reads no configuration, environment variables or appsettings and
        // adds no console logger: what the server does is decided here and nowhere else.
        WebApplicationBuilder builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = typeof(DashboardServer).Assembly.GetName().Name });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = 64 * 1024;
            kestrel.Listen(listen.Address, listen.Port);
        });
        builder.Services.AddRoutingCore();
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = ShutdownTimeout);
        builder.Logging.ClearProviders();
        if (options.Log is { } log)
        {
            builder.Logging.AddProvider(new CallbackLoggerProvider(log, LogLevel.Error));
        }

        WebApplication app = builder.Build();
        var closing = new CancellationTokenSource();
        var endpoints = new DashboardEndpoints(view, token, listen.IsLoopback, options.Log, closing.Token);
        endpoints.Map(app);
        try
        {
            await app.StartAsync(cancel).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            closing.Dispose();
            throw new InvalidInputException($"cannot listen on {options.Listen}: {ex.Message} (pick another port with --listen)");
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            closing.Dispose();
            throw;
        }

        Uri bound = new(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());
        string host = listen.Address.Equals(IPAddress.Any) || listen.Address.Equals(IPAddress.IPv6Any) ? Dns.GetHostName() : bound.Host;
        var server = new DashboardServer(app, endpoints, closing, new UriBuilder(Uri.UriSchemeHttp, host, bound.Port, "/").Uri);
        options.Log?.Invoke($"dashboard on {server.Uri}" + (token is null ? " (control open to this machine: no token)" : " (control needs the token)"));
        return server;
    }

    /// <summary>
    /// Checks <paramref name="options"/> without binding: the address parses, a token (if any) can
    /// travel in a header, and a bind beyond loopback has one. Throws <see cref="InvalidInputException"/>.
    /// </summary>
    public static void Validate(DashboardOptions options) => Check(options);

    private static ListenAddress Check(DashboardOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ListenAddress listen = ListenAddress.Parse(options.Listen);
        string? token = options.Token;
        if (token is not null && (token.Length == 0 || token.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))))
        {
            throw new InvalidInputException("--token must be a non-empty secret without spaces or control characters (it travels in an HTTP header)");
        }

        if (!listen.IsLoopback && token is null)
        {
            throw new InvalidInputException(
                $"refusing to serve the dashboard on {options.Listen} without a token: anyone who can reach that address could pause or stop the run and write exports. " +
                "Give --token <secret> (clients send 'Authorization: Bearer <secret>'), or listen on 127.0.0.1 only.");
        }

        return listen;
    }

    /// <summary>Ends live-update streams, stops listening and releases the port.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _endpoints.DrainAsync(LastEventGrace).ConfigureAwait(false);

        await _closing.CancelAsync().ConfigureAwait(false);
        using (var timeout = new CancellationTokenSource(ShutdownTimeout))
        {
            await _app.StopAsync(timeout.Token).ConfigureAwait(false);
        }

        await _app.DisposeAsync().ConfigureAwait(false);
        _closing.Dispose();
    }

    /// <summary>Forwards ASP.NET Core's own log entries at or above a level to a line callback; nothing else is printed.</summary>
    private sealed class CallbackLoggerProvider(Action<string> log, LogLevel minimum) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(log, minimum, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(Action<string> log, LogLevel minimum, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum && logLevel != LogLevel.None;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel))
                {
                    log($"dashboard: {category}: {formatter(state, exception)}" + (exception is null ? string.Empty : $": {exception.GetType().Name}: {exception.Message}"));
                }
            }
        }
    }
}
