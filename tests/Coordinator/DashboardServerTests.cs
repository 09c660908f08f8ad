using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using FoolingCluster.Coordinator.Http;
using FoolingCluster.Coordinator.Search;
using FoolingCluster.Models.Imaging;
using FoolingCluster.Tensors;
using FoolingCluster.Tests.Shared;
using Xunit;

namespace FoolingCluster.Coordinator.Tests;

/// <summary>The HTTP API against a hand-driven run view: documents, images, metrics, live events, model download, and the token rules.</summary>
public sealed class DashboardServerTests : IDisposable
{
    private const string Token = "s3cret-token";
    private readonly TempDirectory _scratch = new();
    private readonly FakeRunView _view;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(20) };

    public DashboardServerTests()
    {
        _view = new FakeRunView(_scratch.Path);
    }

    public void Dispose()
    {
        _http.Dispose();
        _scratch.Dispose();
    }

    [Fact]
    public async Task Archive_lists_run_state_stats_and_one_entry_per_filled_cell()
    {
        await using DashboardServer server = await Start();
        Assert.Equal("127.0.0.1", server.Uri.Host);
        Assert.NotEqual(0, server.Uri.Port);

        using JsonDocument doc = await GetJson(server, "/api/archive");
        JsonElement root = doc.RootElement;
        Assert.Equal("run-test", root.GetProperty("runId").GetString());
        Assert.Equal("running", root.GetProperty("state").GetString());
        Assert.Equal(4, root.GetProperty("generation").GetInt32());
        Assert.Equal(500, root.GetProperty("evaluations").GetInt64());
        Assert.Equal(200, root.GetProperty("evaluationsPerSecond").GetDouble());
        Assert.Equal(3, root.GetProperty("stats").GetProperty("filled").GetInt32());
        Assert.Equal(1, root.GetProperty("stats").GetProperty("atLeast9999").GetInt32());
        JsonElement[] elites = [.. root.GetProperty("elites").EnumerateArray()];
        Assert.Equal([0, 3, 7], elites.Select(e => e.GetProperty("cell").GetInt32()));
        Assert.Equal([0, 3, 7], elites.Select(e => e.GetProperty("class").GetInt32()));
        Assert.Equal(0.99998f, elites[1].GetProperty("confidence").GetSingle());
        Assert.Equal(4, elites[1].GetProperty("generation").GetInt32());
        Assert.Equal("/api/elites/3.png", elites[1].GetProperty("png").GetString());
    }

    [Fact]
    public async Task Elite_png_is_the_snapshot_image_and_empty_or_unknown_cells_are_404()
    {
        await using DashboardServer server = await Start();
        using HttpResponseMessage png = await _http.GetAsync(new Uri(server.Uri, "/api/elites/3.png"));
        Assert.Equal(HttpStatusCode.OK, png.StatusCode);
        Assert.Equal("image/png", png.Content.Headers.ContentType?.MediaType);
        Assert.Equal(FakeRunView.Png(3), await png.Content.ReadAsByteArrayAsync());

        foreach (string missing in new[] { "/api/elites/1.png", "/api/elites/10.png", "/api/elites/-1.png", "/api/elites/x.png" })
        {
            using HttpResponseMessage response = await _http.GetAsync(new Uri(server.Uri, missing));
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{missing}: {response.StatusCode}");
        }
    }

    [Fact]
    public async Task A_thumbnail_has_the_asked_size_and_caches_for_good_only_under_its_elites_generation()
    {
        await using DashboardServer server = await Start();
        using HttpResponseMessage small = await _http.GetAsync(new Uri(server.Uri, "/api/elites/3.png?size=14&g=4"));
        Assert.Equal(HttpStatusCode.OK, small.StatusCode);
        Assert.Equal("image/png", small.Content.Headers.ContentType?.MediaType);
        PngImage image = PngReader.Decode(await small.Content.ReadAsByteArrayAsync(), "thumbnail");
        Assert.Equal((14, 14), (image.Width, image.Height));
        Assert.All(image.Pixels, p => Assert.Equal(3, p));
        Assert.Contains("immutable", small.Headers.CacheControl?.ToString());

        // A URL naming another generation is answered with the current elite, but not kept.
        using HttpResponseMessage stale = await _http.GetAsync(new Uri(server.Uri, "/api/elites/3.png?size=14&g=1"));
        Assert.Equal(HttpStatusCode.OK, stale.StatusCode);
        Assert.True(stale.Headers.CacheControl?.NoCache, stale.Headers.CacheControl?.ToString());

        foreach (string size in new[] { "7", "257", "0", "-8", "x", "" })
        {
            using HttpResponseMessage response = await _http.GetAsync(new Uri(server.Uri, $"/api/elites/3.png?size={size}"));
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"size '{size}': {response.StatusCode}");
        }

        using HttpResponseMessage empty = await _http.GetAsync(new Uri(server.Uri, "/api/elites/1.png?size=64&g=0"));
        Assert.Equal(HttpStatusCode.NotFound, empty.StatusCode);
    }

    [Fact]
    public async Task History_of_one_cell_carries_that_cells_confidence_and_none_carries_only_the_summary()
    {
        await using DashboardServer server = await Start();
        using JsonDocument one = await GetJson(server, "/api/history?cell=3&since=2");
        JsonElement[] records = [.. one.RootElement.EnumerateArray()];
        Assert.Equal([3, 4], records.Select(r => r.GetProperty("generation").GetInt32()));
        Assert.All(records, r => Assert.Equal(0.99998f, r.GetProperty("confidence").GetSingle()));
        Assert.All(records, r => Assert.Equal(JsonValueKind.Null, r.GetProperty("cells").ValueKind));

        using JsonDocument none = await GetJson(server, "/api/history?cell=none");
        Assert.All(none.RootElement.EnumerateArray(), r => Assert.Equal(JsonValueKind.Null, r.GetProperty("cells").ValueKind));

        foreach (string cell in new[] { "10", "-1", "x" })
        {
            using HttpResponseMessage bad = await _http.GetAsync(new Uri(server.Uri, $"/api/history?cell={cell}"));
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        }
    }

    [Fact]
    public async Task History_has_a_record_per_generation_and_since_filters()
    {
        await using DashboardServer server = await Start();
        using JsonDocument all = await GetJson(server, "/api/history");
        JsonElement[] records = [.. all.RootElement.EnumerateArray()];
        Assert.Equal([0, 1, 2, 3, 4], records.Select(r => r.GetProperty("generation").GetInt32()));
        JsonElement last = records[^1];
        Assert.Equal(500, last.GetProperty("evaluations").GetInt64());
        Assert.Equal(2.5, last.GetProperty("seconds").GetDouble());
        Assert.Equal(200, last.GetProperty("evaluationsPerSecond").GetDouble());
        Assert.Equal(0.5f, last.GetProperty("min").GetSingle());
        Assert.Equal(0.9f, last.GetProperty("median").GetSingle());
        Assert.Equal(0.99998f, last.GetProperty("max").GetSingle());
        Assert.Equal(10, last.GetProperty("cells").GetArrayLength());
        Assert.Equal(0.99998f, last.GetProperty("cells")[3].GetSingle());

        using JsonDocument since = await GetJson(server, "/api/history?since=2");
        Assert.Equal([3, 4], since.RootElement.EnumerateArray().Select(r => r.GetProperty("generation").GetInt32()));
        using HttpResponseMessage bad = await _http.GetAsync(new Uri(server.Uri, "/api/history?since=abc"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task Workers_show_heartbeat_age_counts_and_rates()
    {
        _view.Workers =
        [
            new WorkerStatus("w-1", "node-a", 4, "working", DateTime.UtcNow.AddSeconds(-3), 1200, 850.5, 12, 1),
            new WorkerStatus("w-2", "", 0, "unknown", DateTime.MinValue, 0, 0, 0, 0),
        ];
        await using DashboardServer server = await Start();
        using JsonDocument doc = await GetJson(server, "/api/workers");
        JsonElement[] workers = [.. doc.RootElement.EnumerateArray()];
        Assert.Equal(2, workers.Length);
        JsonElement w = workers[0];
        Assert.Equal("w-1", w.GetProperty("id").GetString());
        Assert.Equal("node-a", w.GetProperty("host").GetString());
        Assert.Equal(4, w.GetProperty("threads").GetInt32());
        Assert.Equal("working", w.GetProperty("state").GetString());
        Assert.InRange(w.GetProperty("lastHeartbeatSeconds").GetDouble(), 2.5, 15);
        Assert.Equal(1200, w.GetProperty("evaluations").GetInt64());
        Assert.Equal(850.5, w.GetProperty("evaluationsPerSecond").GetDouble());
        Assert.Equal(12, w.GetProperty("results").GetInt32());
        Assert.Equal(1, w.GetProperty("rejected").GetInt32());
        Assert.Equal(JsonValueKind.Null, workers[1].GetProperty("lastHeartbeatSeconds").ValueKind);
    }

    [Fact]
    public async Task Metrics_are_prometheus_text_with_help_type_and_labelled_samples()
    {
        _view.Workers = [new WorkerStatus("w\"1", "node-a", 4, "working", DateTime.UtcNow.AddSeconds(-1), 1200, 850.5, 12, 1)];
        await using DashboardServer server = await Start();
        using HttpResponseMessage response = await _http.GetAsync(new Uri(server.Uri, "/metrics"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(response.Content.Headers.ContentType!.Parameters, p => p.Name == "version" && p.Value == "0.0.4");
        string[] lines = (await response.Content.ReadAsStringAsync()).Split('\n');

        Assert.Contains("# TYPE fooling_generation gauge", lines);
        Assert.Contains("fooling_generation 4", lines);
        Assert.Contains("# TYPE fooling_evaluations_total counter", lines);
        Assert.Contains("fooling_evaluations_total 500", lines);
        Assert.Contains("fooling_evaluations_per_second 200", lines);
        Assert.Contains("fooling_cells_filled 3", lines);
        Assert.Contains("fooling_cells_fooled{threshold=\"0.9999\"} 1", lines);
        Assert.Contains("fooling_elite_confidence{cell=\"3\"} 0.99998", lines);
        Assert.Contains("fooling_worker_evaluations_per_second{worker=\"w\\\"1\"} 850.5", lines);
        Assert.Contains(lines, l => l.StartsWith("fooling_worker_last_heartbeat_seconds{worker=\"w\\\"1\"} ", StringComparison.Ordinal));

        // Every sample belongs to a family announced with HELP and TYPE before it.
        var announced = new HashSet<string>();
        foreach (string line in lines.Where(l => l.Length > 0))
        {
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                announced.Add(line.Split(' ')[2]);
                continue;
            }

            if (line.StartsWith('#'))
            {
                Assert.StartsWith("# HELP fooling_", line);
                continue;
            }

            string name = line.Split('{', ' ')[0];
            Assert.True(announced.Contains(name), $"sample before its # TYPE: {line}");
            Assert.Matches(@"^[a-z_]+(\{.*\})? [-+0-9.eE]+(Inf)?$", line);
        }
    }

    [Fact]
    public async Task Events_stream_sends_the_archive_now_and_again_after_a_new_snapshot()
    {
        await using DashboardServer server = await Start();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server.Uri, "/api/events"));
        using HttpResponseMessage response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));

        (string name, string data) = await NextEvent(reader, "archive", timeout.Token);
        using (JsonDocument first = JsonDocument.Parse(data))
        {
            Assert.Equal(4, first.RootElement.GetProperty("generation").GetInt32());
            Assert.False(first.RootElement.GetProperty("partial").GetBoolean());
            Assert.Equal(3, first.RootElement.GetProperty("elites").GetArrayLength());
        }

        // Cell 0 improved and cell 9 is new; 3 and 7 are unchanged and are not sent again.
        _view.Publish(FakeRunView.Snapshot(5, (0, 0.6f, 5), (3, 0.99998f, 4), (7, 0.9f, 2), (9, 0.3f, 5)));
        (name, data) = await NextEvent(reader, "archive", timeout.Token);
        using JsonDocument second = JsonDocument.Parse(data);
        Assert.Equal("archive", name);
        Assert.Equal(5, second.RootElement.GetProperty("generation").GetInt32());
        Assert.True(second.RootElement.GetProperty("partial").GetBoolean());
        Assert.Equal([0, 9], second.RootElement.GetProperty("elites").EnumerateArray().Select(e => e.GetProperty("cell").GetInt32()));
        Assert.Equal(4, second.RootElement.GetProperty("stats").GetProperty("filled").GetInt32());

        (_, data) = await NextEvent(reader, "workers", timeout.Token);
        Assert.Equal(JsonValueKind.Array, JsonDocument.Parse(data).RootElement.ValueKind);
    }

    [Fact]
    public async Task Events_stream_sends_the_last_state_then_ends_when_the_server_stops()
    {
        DashboardServer server = await Start();
        using HttpResponseMessage response = await _http.GetAsync(new Uri(server.Uri, "/api/events"), HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await NextEvent(reader, "archive", timeout.Token);

        // The run finishes and its server stops at once, as `fooling run` does.
        _view.Publish(_view.Current with { State = "finished" });
        var stopping = System.Diagnostics.Stopwatch.StartNew();
        await server.DisposeAsync();
        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(3), $"stopping took {stopping.Elapsed.TotalSeconds:F1} s with a live stream open");

        (_, string data) = await NextEvent(reader, "archive", timeout.Token);
        Assert.Equal("finished", JsonDocument.Parse(data).RootElement.GetProperty("state").GetString());
        while (await reader.ReadLineAsync(timeout.Token) is not null)
        {
        }
    }

    [Fact]
    public async Task Model_is_served_by_its_hash_and_only_by_its_hash()
    {
        await using DashboardServer server = await Start();
        string sha = _view.Model.Sha256;
        using HttpResponseMessage weights = await _http.GetAsync(new Uri(server.Uri, $"/api/models/{sha}"));
        Assert.Equal(HttpStatusCode.OK, weights.StatusCode);
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5 }, await weights.Content.ReadAsByteArrayAsync());

        using HttpResponseMessage upper = await _http.GetAsync(new Uri(server.Uri, $"/api/models/{sha.ToUpperInvariant()}"));
        Assert.Equal(HttpStatusCode.OK, upper.StatusCode);

        using HttpResponseMessage sidecar = await _http.GetAsync(new Uri(server.Uri, $"/api/models/{sha}.json"));
        Assert.Equal(HttpStatusCode.OK, sidecar.StatusCode);
        Assert.Equal("application/json", sidecar.Content.Headers.ContentType?.MediaType);
        Assert.Contains("lenet", await sidecar.Content.ReadAsStringAsync());

        foreach (string other in new[] { new string('c', 64), new string('c', 64) + ".json", "model.safetensors" })
        {
            using HttpResponseMessage missing = await _http.GetAsync(new Uri(server.Uri, $"/api/models/{other}"));
            Assert.True(missing.StatusCode == HttpStatusCode.NotFound, $"{other}: {missing.StatusCode}");
        }
    }

    [Fact]
    public async Task Control_with_a_token_configured_needs_that_token()
    {
        await using DashboardServer server = await Start(token: Token);
        using (HttpResponseMessage none = await _http.PostAsync(new Uri(server.Uri, "/api/control/pause"), null))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        }

        using (HttpResponseMessage wrong = await Post(server, "/api/control/pause", bearer: "not-it"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using (HttpResponseMessage wrongHeader = await Post(server, "/api/export?name=x", header: Token + "x"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, wrongHeader.StatusCode);
        }

        Assert.Empty(_view.Commands);
        Assert.Empty(_view.Exports);

        using (HttpResponseMessage bearer = await Post(server, "/api/control/pause", bearer: Token))
        {
            Assert.Equal(HttpStatusCode.OK, bearer.StatusCode);
        }

        using (HttpResponseMessage header = await Post(server, "/api/control/resume", header: Token))
        {
            Assert.Equal(HttpStatusCode.OK, header.StatusCode);
        }

        using (HttpResponseMessage stop = await Post(server, "/api/control/stop", bearer: Token))
        {
            Assert.Equal(HttpStatusCode.OK, stop.StatusCode);
        }

        using (HttpResponseMessage unknown = await Post(server, "/api/control/reboot", bearer: Token))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        }

        Assert.Equal(["pause", "resume", "stop"], _view.Commands);

        // Reads never need the token.
        using HttpResponseMessage read = await _http.GetAsync(new Uri(server.Uri, "/api/archive"));
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
    }

    [Fact]
    public async Task Loopback_without_a_token_allows_control_but_not_from_another_web_origin()
    {
        await using DashboardServer server = await Start();
        using (HttpResponseMessage pause = await _http.PostAsync(new Uri(server.Uri, "/api/control/pause"), null))
        {
            Assert.Equal(HttpStatusCode.OK, pause.StatusCode);
            using JsonDocument body = JsonDocument.Parse(await pause.Content.ReadAsStringAsync());
            Assert.Equal("pause", body.RootElement.GetProperty("action").GetString());
        }

        using (var sameOrigin = new HttpRequestMessage(HttpMethod.Post, new Uri(server.Uri, "/api/control/resume")))
        {
            sameOrigin.Headers.Add("Origin", server.Uri.GetLeftPart(UriPartial.Authority));
            using HttpResponseMessage response = await _http.SendAsync(sameOrigin);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        using (var crossSite = new HttpRequestMessage(HttpMethod.Post, new Uri(server.Uri, "/api/control/stop")))
        {
            crossSite.Headers.Add("Origin", "https://evil.example");
            using HttpResponseMessage response = await _http.SendAsync(crossSite);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }

        using (var rebound = new HttpRequestMessage(HttpMethod.Post, new Uri(server.Uri, "/api/control/stop")))
        {
            rebound.Headers.Host = $"evil.example:{server.Uri.Port}";
            using HttpResponseMessage response = await _http.SendAsync(rebound);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }

        Assert.Equal(["pause", "resume"], _view.Commands);
    }

    [Fact]
    public async Task Non_loopback_bind_without_a_token_is_refused()
    {
        var ex = await Assert.ThrowsAsync<InvalidInputException>(() => DashboardServer.StartAsync(_view, new DashboardOptions { Listen = "0.0.0.0:0" }, CancellationToken.None));
        Assert.Contains("without a token", ex.Message);
        Assert.Contains("--token", ex.Message);

        await using DashboardServer withToken = await DashboardServer.StartAsync(_view, new DashboardOptions { Listen = "0.0.0.0:0", Token = Token }, CancellationToken.None);
        using HttpResponseMessage refused = await _http.PostAsync(new Uri($"http://127.0.0.1:{withToken.Uri.Port}/api/control/stop"), null);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Empty(_view.Commands);
    }

    [Theory]
    [InlineData("8080")]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.1:http")]
    [InlineData("127.0.0.1:70000")]
    [InlineData("example.org:80")]
    [InlineData("::1:80")]
    public async Task Bad_listen_addresses_are_refused_with_a_message(string listen)
    {
        var ex = await Assert.ThrowsAsync<InvalidInputException>(() => DashboardServer.StartAsync(_view, new DashboardOptions { Listen = listen }, CancellationToken.None));
        Assert.StartsWith("--listen", ex.Message);
    }

    [Fact]
    public async Task A_port_in_use_is_reported_as_such()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        int port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var ex = await Assert.ThrowsAsync<InvalidInputException>(() => DashboardServer.StartAsync(_view, new DashboardOptions { Listen = $"127.0.0.1:{port}" }, CancellationToken.None));
        Assert.Contains($"127.0.0.1:{port}", ex.Message);
    }

    [Fact]
    public async Task Export_takes_name_and_allAbove_from_json_form_or_query()
    {
        await using DashboardServer server = await Start(token: Token);
        using (HttpResponseMessage json = await Post(server, "/api/export", bearer: Token, content: new StringContent("""{"name":"set-a","allAbove":0.999}""", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.OK, json.StatusCode);
            using JsonDocument body = JsonDocument.Parse(await json.Content.ReadAsStringAsync());
            Assert.Equal("/exports/set-a", body.RootElement.GetProperty("folder").GetString());
        }

        using (HttpResponseMessage form = await Post(server, "/api/export", header: Token, content: new FormUrlEncodedContent([new("name", "set-b")])))
        {
            Assert.Equal(HttpStatusCode.OK, form.StatusCode);
        }

        using (HttpResponseMessage query = await Post(server, "/api/export?name=set-c&allAbove=0.5", bearer: Token))
        {
            Assert.Equal(HttpStatusCode.OK, query.StatusCode);
        }

        Assert.Equal([("set-a", 0.999f), ("set-b", null), ("set-c", 0.5f)], _view.Exports);

        foreach (string bad in new[] { "/api/export", "/api/export?name=x&allAbove=2", "/api/export?name=a/b" })
        {
            using HttpResponseMessage response = await Post(server, bad, bearer: Token);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{bad}: {response.StatusCode}");
            using JsonDocument body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.False(string.IsNullOrEmpty(body.RootElement.GetProperty("error").GetString()));
        }
    }

    [Fact]
    public async Task The_page_is_one_self_contained_html_document()
    {
        await using DashboardServer server = await Start();
        using HttpResponseMessage response = await _http.GetAsync(server.Uri);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        string html = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.Contains("EventSource", html);
        Assert.Contains("image-rendering: pixelated", html);
        Assert.DoesNotContain("<script src", html);
        Assert.DoesNotContain("<link ", html);
        Assert.DoesNotContain("//cdn", html);
    }

    private Task<DashboardServer> Start(string? token = null) =>
        DashboardServer.StartAsync(_view, new DashboardOptions { Listen = "127.0.0.1:0", Token = token }, CancellationToken.None);

    private async Task<JsonDocument> GetJson(DashboardServer server, string path)
    {
        using HttpResponseMessage response = await _http.GetAsync(new Uri(server.Uri, path));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync());
    }

    private async Task<HttpResponseMessage> Post(DashboardServer server, string path, string? bearer = null, string? header = null, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server.Uri, path)) { Content = content };
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        if (header is not null)
        {
            request.Headers.Add("X-Fooling-Token", header);
        }

        return await _http.SendAsync(request);
    }

    /// <summary>Reads server-sent events until one named <paramref name="wanted"/> arrives.</summary>
    private static async Task<(string Name, string Data)> NextEvent(StreamReader reader, string wanted, CancellationToken cancel)
    {
        string name = "message";
        var data = new StringBuilder();
        while (await reader.ReadLineAsync(cancel) is string line)
        {
            if (line.Length == 0)
            {
                if (name == wanted && data.Length > 0)
                {
                    return (name, data.ToString());
                }

                name = "message";
                data.Clear();
            }
            else if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                name = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data.Append(line["data: ".Length..]);
            }
        }

        throw new InvalidOperationException($"the event stream ended before a '{wanted}' event");
    }
}
