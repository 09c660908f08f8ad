using System.Net;
using FoolingCluster.Tensors;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FoolingCluster.Coordinator.Http;

/// <summary>
/// An HTTP server with one route, <see cref="ModelDownload"/>: what a coordinator without a
/// dashboard (a sharded robustness evaluation) needs so that workers can fetch its model.
/// It serves nothing else, so any address may be bound without a token.
/// </summary>
public sealed class ModelServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ModelServer(WebApplication app, Uri uri)
    {
        _app = app;
        Uri = uri;
    }

    /// <summary>Root address of the server (the bound port, never 0); for an every-interface bind, this machine's name.</summary>
    public Uri Uri { get; }

    /// <summary>Binds <paramref name="listen"/> (HOST:PORT) and serves the model's files.</summary>
    /// <exception cref="InvalidInputException">The address does not parse or is in use.</exception>
    public static async Task<ModelServer> StartAsync(string listen, (string WeightsPath, string SidecarPath, string Sha256) model, CancellationToken cancel)
    {
        ListenAddress address = ListenAddress.Parse(listen);
        WebApplicationBuilder builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = typeof(ModelServer).Assembly.GetName().Name });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = 0;
            kestrel.Listen(address.Address, address.Port);
        });
        builder.Services.AddRoutingCore();
        builder.Logging.ClearProviders();
        WebApplication app = builder.Build();
        app.MapGet(ModelDownload.Route, (HttpContext context) => ModelDownload.Serve(context, model));
        try
        {
            await app.StartAsync(cancel).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw new InvalidInputException($"cannot listen on {listen}: {ex.Message} (pick another port with --listen)");
        }

        Uri bound = new(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());
        string host = address.Address.Equals(IPAddress.Any) || address.Address.Equals(IPAddress.IPv6Any) ? Dns.GetHostName() : bound.Host;
        return new ModelServer(app, new UriBuilder(Uri.UriSchemeHttp, host, bound.Port, "/").Uri);
    }

    /// <summary>Stops listening and releases the port.</summary>
    public async ValueTask DisposeAsync()
    {
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3)))
        {
            await _app.StopAsync(timeout.Token).ConfigureAwait(false);
        }

        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
