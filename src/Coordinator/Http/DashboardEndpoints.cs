using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FoolingCluster.Runs.Reporting;
using FoolingCluster.Tensors;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;

namespace FoolingCluster.Coordinator.Http;

/// <summary>
/// The routes of the dashboard server.
/// <list type="bullet">
/// <item><c>GET /</c>: the dashboard page.</item>
/// <item><c>GET /api/archive</c>, <c>/api/history[?since=G][&amp;cell=C|none]</c>, <c>/api/workers</c>: JSON (see <see cref="DashboardJson"/>).</item>
/// <item><c>GET /api/elites/{cell}.png[?size=N&amp;g=G]</c>: the elite's image, or a thumbnail with its longer side at most N (8–256); 404 for an empty or unknown cell, 400 for a bad size. With the elite's generation as <c>g</c> the answer may be cached for good.</item>
/// <item><c>GET /api/events</c>: server-sent events, <c>archive</c> after every snapshot (the whole archive first, then only the cells that changed) and <c>workers</c> every 2 s.</item>
/// <item><c>GET /metrics</c>: Prometheus text format.</item>
/// <item><c>GET /api/models/{sha256}</c>, <c>/api/models/{sha256}.json</c>: the target's weights and sidecar, for workers; 404 unless the hash is the target's.</item>
/// <item><c>POST /api/control/pause|resume|stop</c>, <c>POST /api/export</c> (name, optional allAbove): need the token when one is configured, else 401.</item>
/// </list>
/// Reads need no token. Without a token (allowed on loopback binds only), control and export are
/// open to this machine; requests from another web origin are refused with 403 either way, and a
/// loopback bind answers only Host headers naming loopback, so a web page cannot drive the run
/// through the browser (cross-site requests, DNS rebinding).
/// </summary>
internal sealed class DashboardEndpoints(IRunView view, string? token, bool loopback, Action<string>? log, CancellationToken closing)
{
    /// <summary>How often a live-update stream sends the workers.</summary>
    public static readonly TimeSpan WorkersEvery = TimeSpan.FromSeconds(2);

    /// <summary>A keep-alive comment goes out every this many worker updates (proxies close silent streams).</summary>
    private const int KeepAliveEveryTicks = 5;

    private static readonly Lazy<byte[]> Page = new(LoadPage);

    /// <summary>Each open live-update stream, with the snapshot it sent last.</summary>
    private readonly ConcurrentDictionary<object, RunSnapshot?> _streams = new();

    /// <summary>
    /// Waits (at most <paramref name="limit"/>) until every open stream has sent the current
    /// snapshot, so a run's last state (finished, stopped) reaches the browsers before the
    /// server closes their streams.
    /// </summary>
    public async Task DrainAsync(TimeSpan limit)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < limit && _streams.Values.Any(sent => !ReferenceEquals(sent, view.Current)))
        {
            await Task.Delay(20).ConfigureAwait(false);
        }
    }

    public void Map(WebApplication app)
    {
        if (loopback)
        {
            app.Use(RefuseForeignHost);
        }

        app.MapGet("/", ServePage);
        app.MapGet("/api/archive", context => WriteJson(context, DashboardJson.Archive(view.Current)));
        app.MapGet("/api/history", ServeHistory);
        app.MapGet("/api/workers", context => WriteJson(context, DashboardJson.Workers(view.Workers, DateTime.UtcNow)));
        app.MapGet("/api/elites/{cell}.png", ServeElite);
        app.MapGet("/api/events", StreamEvents);
        app.MapGet("/metrics", ServeMetrics);
        app.MapGet(ModelDownload.Route, ServeModel);
        app.MapPost("/api/control/{action}", Control);
        app.MapPost("/api/export", Export);
    }

    /// <summary>Whether <paramref name="presented"/> is the token, compared in constant time.</summary>
    public static bool TokenMatches(string expected, string? presented) =>
        presented is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(presented));

    private static byte[] LoadPage()
    {
        using Stream stream = typeof(DashboardEndpoints).Assembly.GetManifestResourceStream("FoolingCluster.Coordinator.Http.dashboard.html")
            ?? throw new InvalidOperationException("the dashboard page is not embedded in the assembly");
        using var reader = new StreamReader(stream);
        // The heat-map's style, colour scale and legend are report.html's own, filled in here.
        string page = reader.ReadToEnd()
            .Replace("/*heatmap-css*/", HeatMapAssets.Css, StringComparison.Ordinal)
            .Replace("/*nines-colour*/", NinesColour.Script, StringComparison.Ordinal)
            .Replace("<!--nines-legend-->", NinesColour.LegendHtml(), StringComparison.Ordinal);
        return Encoding.UTF8.GetBytes(page);
    }

    private Task RefuseForeignHost(HttpContext context, RequestDelegate next)
    {
        string host = context.Request.Host.Host;
        bool local = host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host, out IPAddress? address) && IPAddress.IsLoopback(address));
        if (!local)
        {
            return Error(context, StatusCodes.Status400BadRequest, $"this dashboard listens on loopback and answers only requests addressed to it (Host '{host}')");
        }

        return next(context);
    }

    private static Task ServePage(HttpContext context)
    {
        context.Response.ContentType = "text/html; charset=utf-8";
        context.Response.Headers.CacheControl = "no-cache";
        return context.Response.Body.WriteAsync(Page.Value, context.RequestAborted).AsTask();
    }

    private Task ServeHistory(HttpContext context)
    {
        HistoryCells cells = HistoryCells.All;
        if (context.Request.Query.TryGetValue("cell", out var cellText))
        {
            if (cellText == "none")
            {
                cells = HistoryCells.None;
            }
            else if (int.TryParse(cellText, NumberStyles.None, CultureInfo.InvariantCulture, out int cell) && cell < view.Current.Stats.Cells)
            {
                cells = new HistoryCells.One(cell);
            }
            else
            {
                return Error(context, StatusCodes.Status400BadRequest, $"cell must be a cell index below {view.Current.Stats.Cells} or 'none' (got '{cellText}')");
            }
        }

        int? since = null;
        if (context.Request.Query.TryGetValue("since", out var text))
        {
            if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value))
            {
                return Error(context, StatusCodes.Status400BadRequest, $"since must be a generation number (got '{text}')");
            }

            since = value;
        }

        return WriteJson(context, DashboardJson.History(view.Current, since, cells));
    }

    private Task ServeElite(HttpContext context)
    {
        string? text = context.Request.RouteValues["cell"] as string;
        EliteView? elite = int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int cell)
            ? view.Current.Elites.FirstOrDefault(e => e.Cell == cell)
            : null;
        if (elite is null)
        {
            return Error(context, StatusCodes.Status404NotFound, $"no elite in cell '{text}'");
        }

        byte[] png = elite.Png;
        if (context.Request.Query.TryGetValue("size", out var sizeText))
        {
            if (!int.TryParse(sizeText, NumberStyles.None, CultureInfo.InvariantCulture, out int size) || size is < EliteThumbnails.MinSize or > EliteThumbnails.MaxSize)
            {
                return Error(context, StatusCodes.Status400BadRequest, $"size must be a whole number of pixels from {EliteThumbnails.MinSize} to {EliteThumbnails.MaxSize} (got '{sizeText}')");
            }

            png = EliteThumbnails.Png(elite, size);
        }

        // A URL naming the elite's generation always means this image: the browser keeps it and
        // asks again only when the cell's elite, and so the URL, changes.
        bool current = context.Request.Query.TryGetValue("g", out var generation) && generation == elite.Generation.ToString(CultureInfo.InvariantCulture);
        context.Response.ContentType = "image/png";
        context.Response.Headers.CacheControl = current ? "public, max-age=31536000, immutable" : "no-cache";
        context.Response.ContentLength = png.Length;
        return context.Response.Body.WriteAsync(png, context.RequestAborted).AsTask();
    }

    private Task ServeMetrics(HttpContext context)
    {
        context.Response.ContentType = PrometheusMetrics.ContentType;
        return context.Response.WriteAsync(PrometheusMetrics.Render(view.Current, view.Workers, DateTime.UtcNow), context.RequestAborted);
    }

    private Task ServeModel(HttpContext context) => ModelDownload.Serve(context, view.Model);

    private async Task StreamEvents(HttpContext context)
    {
        using var stream = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, closing);
        CancellationToken cancel = stream.Token;
        HttpResponse response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        using var timer = new PeriodicTimer(WorkersEvery);
        object self = new();
        _streams[self] = null;
        try
        {
            await Send(response, "retry: 2000\n\n", cancel).ConfigureAwait(false);
            await Send(response, Event("workers", DashboardJson.Workers(view.Workers, DateTime.UtcNow)), cancel).ConfigureAwait(false);
            RunSnapshot? sent = null;
            Task<RunSnapshot>? next = null;
            Task<bool> tick = timer.WaitForNextTickAsync(cancel).AsTask();
            int ticks = 0;
            while (true)
            {
                // Ask for the next snapshot before reading the current one, so one published in
                // between is not missed: it either is the current one or completes the wait.
                next ??= view.NextAsync(cancel);
                RunSnapshot current = view.Current;
                if (!ReferenceEquals(current, sent))
                {
                    // The first event holds the whole archive, later ones only the cells that changed.
                    await Send(response, Event("archive", DashboardJson.Changes(sent, current)), cancel).ConfigureAwait(false);
                    sent = current;
                    _streams[self] = sent;
                }

                Task done = await Task.WhenAny(next, tick).ConfigureAwait(false);
                if (done == next)
                {
                    await next.ConfigureAwait(false);
                    next = null;
                    continue;
                }

                if (!await tick.ConfigureAwait(false))
                {
                    break;
                }

                if (++ticks % KeepAliveEveryTicks == 0)
                {
                    await Send(response, ": keep-alive\n\n", cancel).ConfigureAwait(false);
                }

                await Send(response, Event("workers", DashboardJson.Workers(view.Workers, DateTime.UtcNow)), cancel).ConfigureAwait(false);
                tick = timer.WaitForNextTickAsync(cancel).AsTask();
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            // The browser went away or the server is closing: the stream simply ends.
        }
        finally
        {
            _streams.TryRemove(self, out _);
        }
    }

    private async Task Control(HttpContext context)
    {
        if (!await Authorized(context).ConfigureAwait(false))
        {
            return;
        }

        string action = context.Request.RouteValues["action"] as string ?? string.Empty;
        Action? act = RunControls.Of(view, action);
        if (act is null)
        {
            await Error(context, StatusCodes.Status404NotFound, $"unknown control '{action}'; valid: {RunControls.Names}").ConfigureAwait(false);
            return;
        }

        try
        {
            // A standby's view sends the button to the active coordinator: off the request's thread.
            await Task.Run(act, context.RequestAborted).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            log?.Invoke($"dashboard: {action} failed: {ex.Message}");
            await Error(context, StatusCodes.Status503ServiceUnavailable, $"{action} failed: {ex.Message}").ConfigureAwait(false);
            return;
        }

        log?.Invoke($"dashboard: {action} requested by {context.Connection.RemoteIpAddress}");
        await WriteJson(context, new { action, state = view.Current.State }).ConfigureAwait(false);
    }

    private async Task Export(HttpContext context)
    {
        if (!await Authorized(context).ConfigureAwait(false))
        {
            return;
        }

        (string? name, string? allAboveText) = await ExportArguments(context).ConfigureAwait(false);
        float? allAbove = null;
        if (!string.IsNullOrWhiteSpace(allAboveText))
        {
            if (!float.TryParse(allAboveText, NumberStyles.Float, CultureInfo.InvariantCulture, out float value) || !(value is >= 0f and <= 1f))
            {
                await Error(context, StatusCodes.Status400BadRequest, $"allAbove is a confidence in [0, 1] (got '{allAboveText}')").ConfigureAwait(false);
                return;
            }

            allAbove = value;
        }

        if (string.IsNullOrWhiteSpace(name))
        {
            await Error(context, StatusCodes.Status400BadRequest, "an export needs a name (the folder it is written to)").ConfigureAwait(false);
            return;
        }

        string folder;
        try
        {
            folder = await Task.Run(() => view.Export(name, allAbove), context.RequestAborted).ConfigureAwait(false);
        }
        catch (InvalidInputException ex)
        {
            await Error(context, StatusCodes.Status400BadRequest, ex.Message).ConfigureAwait(false);
            return;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            log?.Invoke($"dashboard: export '{name}' failed: {ex.Message}");
            await Error(context, StatusCodes.Status500InternalServerError, $"export failed: {ex.Message}").ConfigureAwait(false);
            return;
        }

        log?.Invoke($"dashboard: exported elites to {folder}");
        await WriteJson(context, new { folder }).ConfigureAwait(false);
    }

    /// <summary>name and allAbove from a JSON or form body, else from the query string.</summary>
    private static async Task<(string? Name, string? AllAbove)> ExportArguments(HttpContext context)
    {
        HttpRequest request = context.Request;
        string? name = request.Query["name"];
        string? allAbove = request.Query["allAbove"];
        if (request.HasJsonContentType())
        {
            try
            {
                using JsonDocument body = await JsonDocument.ParseAsync(request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false);
                if (body.RootElement.ValueKind == JsonValueKind.Object)
                {
                    foreach (JsonProperty property in body.RootElement.EnumerateObject())
                    {
                        string? value = property.Value.ValueKind switch
                        {
                            JsonValueKind.String => property.Value.GetString(),
                            JsonValueKind.Number => property.Value.GetRawText(),
                            _ => null,
                        };
                        if (property.NameEquals("name"))
                        {
                            name = value ?? name;
                        }
                        else if (property.NameEquals("allAbove"))
                        {
                            allAbove = value ?? allAbove;
                        }
                    }
                }
            }
            catch (JsonException)
            {
                // A malformed body leaves only the query; the missing name is then reported.
            }
        }
        else if (request.HasFormContentType)
        {
            IFormCollection form = await request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
            name = form.TryGetValue("name", out var n) ? n.ToString() : name;
            allAbove = form.TryGetValue("allAbove", out var a) ? a.ToString() : allAbove;
        }

        return (name, allAbove);
    }

    /// <summary>Checks a control or export request; answers it with 403 or 401 and returns false when refused.</summary>
    private async Task<bool> Authorized(HttpContext context)
    {
        HttpRequest request = context.Request;
        string? origin = request.Headers.Origin;
        if (!string.IsNullOrEmpty(origin) && !SameOrigin(origin, request))
        {
            await Error(context, StatusCodes.Status403Forbidden, $"requests from another web origin ({origin}) cannot control the run").ConfigureAwait(false);
            return false;
        }

        if (token is null)
        {
            return true;
        }

        string? presented = request.Headers["X-Fooling-Token"];
        string? authorization = request.Headers.Authorization;
        if (string.IsNullOrEmpty(presented) && authorization is not null && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            presented = authorization["Bearer ".Length..].Trim();
        }

        if (TokenMatches(token, presented))
        {
            return true;
        }

        log?.Invoke($"dashboard: refused {request.Path} from {context.Connection.RemoteIpAddress}: {(string.IsNullOrEmpty(presented) ? "no token" : "wrong token")}");
        context.Response.Headers.WWWAuthenticate = "Bearer";
        await Error(context, StatusCodes.Status401Unauthorized, string.IsNullOrEmpty(presented)
            ? "this request needs the dashboard's token: send 'Authorization: Bearer <token>' or 'X-Fooling-Token: <token>'"
            : "wrong token").ConfigureAwait(false);
        return false;
    }

    private static bool SameOrigin(string origin, HttpRequest request) =>
        Uri.TryCreate(origin, UriKind.Absolute, out Uri? uri)
        && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase);

    private static string Event<T>(string name, T data) => $"event: {name}\ndata: {DashboardJson.Serialize(data)}\n\n";

    private static async Task Send(HttpResponse response, string text, CancellationToken cancel)
    {
        await response.WriteAsync(text, cancel).ConfigureAwait(false);
        await response.Body.FlushAsync(cancel).ConfigureAwait(false);
    }

    private static Task WriteJson<T>(HttpContext context, T value)
    {
        context.Response.Headers.CacheControl = "no-cache";
        return context.Response.WriteAsJsonAsync(value, DashboardJson.Options, context.RequestAborted);
    }

    private static Task Error(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new { error = message }, DashboardJson.Options, context.RequestAborted);
    }
}
