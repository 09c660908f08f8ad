using System.Net;
using System.Text.Json;
using FoolingCluster.Models.Imaging;
using FoolingCluster.Tests.Shared;
using Xunit;

namespace FoolingCluster.Cli.Tests;

/// <summary>
/// <c>fooling run --dashboard</c> against a colour classifier of 1,000 named classes: the API lists
/// every class by name, live updates carry only the cells that changed, thumbnails come by URL at
/// the asked size, /metrics stays small, and the page shows a heat-map and a table a person can
/// filter, sort and click.
/// </summary>
[Collection(RunTestGroup.Name)]
public class ManyClassesDashboardTests
{
    private const int Classes = 1000;

    /// <summary>Where the browser test saves what the page showed, when set (for a person to look at).</summary>
    private static readonly string? Screenshots = Environment.GetEnvironmentVariable("FOOLING_SCREENSHOTS");

    private const string ReadPage = """
        (() => {
          if (!document.getElementById('selected')) {
            return { generation: -1, squares: 0, coloured: 0, gridHidden: false, rows: [], shown: '', selected: '', selectedImage: 0, selectedPoints: 0, title2: '' };
          }
          const squares = [...document.querySelectorAll('#heatmap .sq')];
          const rows = [...document.querySelectorAll('#elites tbody tr')];
          const selected = document.getElementById('selected');
          const generation = document.getElementById('generation');
          return {
            generation: generation ? Number(generation.textContent) : -1,
            squares: squares.length,
            coloured: squares.filter(s => s.style.background && !s.title.endsWith('no elite yet')).length,
            gridHidden: document.getElementById('grid').hidden,
            rows: rows.map(r => ({ cell: Number(r.dataset.cell), label: r.cells[1].textContent, confidence: r.cells[2].textContent, src: r.querySelector('img').getAttribute('src') })),
            shown: document.getElementById('shown').textContent,
            selected: selected.hidden ? '' : selected.querySelector('h3').textContent,
            selectedImage: selected.hidden || !selected.querySelector('img') || !selected.querySelector('img').complete ? 0 : selected.querySelector('img').naturalWidth,
            selectedPoints: selected.hidden ? 0 : (selected.querySelector('polyline')?.getAttribute('points') || '').split(' ').filter(p => p).length,
            title2: squares.length > 2 ? squares[2].title : '',
          };
        })()
        """;

    [Fact]
    public async Task The_api_names_1000_classes_streams_only_changed_cells_and_serves_thumbnails_by_size()
    {
        await using var run = await LiveRun.StartAsync();
        HttpClient http = run.Http;
        CancellationToken cancel = run.Cancel;

        // The initial population fills every cell: each image competes for all 1,000 classes.
        JsonDocument archive;
        while ((archive = JsonDocument.Parse(await http.GetStringAsync(new Uri(run.Dashboard, "/api/archive"), cancel))).RootElement.GetProperty("stats").GetProperty("filled").GetInt32() < Classes)
        {
            archive.Dispose();
            await Task.Delay(200, cancel);
        }

        using (archive)
        {
            JsonElement root = archive.RootElement;
            Assert.Equal(Classes, root.GetProperty("stats").GetProperty("cells").GetInt32());
            Assert.Equal(Classes, root.GetProperty("classNames").GetArrayLength());
            Assert.Equal("great white shark", root.GetProperty("classNames")[2].GetString());
            JsonElement goldfish = root.GetProperty("elites").EnumerateArray().Single(e => e.GetProperty("cell").GetInt32() == 1);
            Assert.Equal("goldfish", goldfish.GetProperty("name").GetString());
            Assert.Equal("1 goldfish", goldfish.GetProperty("label").GetString());
        }

        // The stream starts with the whole archive, then sends only the cells a generation changed.
        using HttpResponseMessage events = await http.GetAsync(new Uri(run.Dashboard, "/api/events"), HttpCompletionOption.ResponseHeadersRead, cancel);
        using var reader = new StreamReader(await events.Content.ReadAsStreamAsync(cancel));
        using JsonDocument first = JsonDocument.Parse(await NextArchive(reader, cancel));
        Assert.False(first.RootElement.GetProperty("partial").GetBoolean());
        int filled = first.RootElement.GetProperty("stats").GetProperty("filled").GetInt32();
        Assert.Equal(filled, first.RootElement.GetProperty("elites").GetArrayLength());
        Dictionary<int, int> generations = first.RootElement.GetProperty("elites").EnumerateArray().ToDictionary(e => e.GetProperty("cell").GetInt32(), e => e.GetProperty("generation").GetInt32());
        int sentGeneration = first.RootElement.GetProperty("generation").GetInt32();
        int partials = 0, sentCells = 0;
        while (partials < 3)
        {
            string data = await NextArchive(reader, cancel);
            using JsonDocument update = JsonDocument.Parse(data);
            JsonElement root = update.RootElement;
            Assert.True(root.GetProperty("partial").GetBoolean());
            Assert.Equal(JsonValueKind.Null, root.GetProperty("classNames").ValueKind);
            int generation = root.GetProperty("generation").GetInt32();
            foreach (JsonElement elite in root.GetProperty("elites").EnumerateArray())
            {
                // Each cell sent again holds an elite found since the previous event.
                int found = elite.GetProperty("generation").GetInt32();
                Assert.InRange(found, sentGeneration + 1, generation);
                Assert.NotNull(elite.GetProperty("name").GetString());
                generations[elite.GetProperty("cell").GetInt32()] = found;
                sentCells++;
            }

            sentGeneration = generation;
            partials++;
        }

        // Far fewer than 1,000 cells a generation, and far smaller than the whole archive.
        Assert.True(sentCells < 3 * Classes / 2, $"{sentCells} cells sent in three updates");

        // Thumbnails by URL, of the asked size; the full image is the model's 32×32.
        int cell = generations.Keys.First();
        using HttpResponseMessage thumbnail = await http.GetAsync(new Uri(run.Dashboard, $"/api/elites/{cell}.png?size=16&g={generations[cell]}"), cancel);
        Assert.Equal(HttpStatusCode.OK, thumbnail.StatusCode);
        PngImage small = PngReader.Decode(await thumbnail.Content.ReadAsByteArrayAsync(cancel), "thumbnail");
        Assert.Equal((16, 16, 3), (small.Width, small.Height, small.Channels));
        PngImage full = PngReader.Decode(await http.GetByteArrayAsync(new Uri(run.Dashboard, $"/api/elites/{cell}.png"), cancel), "elite");
        Assert.Equal((32, 32), (full.Width, full.Height));
        foreach ((string path, HttpStatusCode status) in new[] { ($"/api/elites/{Classes}.png?size=64", HttpStatusCode.NotFound), ($"/api/elites/{cell}.png?size=4", HttpStatusCode.BadRequest), ($"/api/elites/{cell}.png?size=1000", HttpStatusCode.BadRequest) })
        {
            using HttpResponseMessage response = await http.GetAsync(new Uri(run.Dashboard, path), cancel);
            Assert.True(response.StatusCode == status, $"{path}: {response.StatusCode}");
        }

        // One cell's history, without the other 999.
        using (JsonDocument history = JsonDocument.Parse(await http.GetStringAsync(new Uri(run.Dashboard, "/api/history?cell=1"), cancel)))
        {
            Assert.All(history.RootElement.EnumerateArray(), r => Assert.InRange(r.GetProperty("confidence").GetSingle(), 0f, 1f));
        }

        // Per-cell gauges, named, in an exposition Prometheus reads without trouble.
        string metrics = await http.GetStringAsync(new Uri(run.Dashboard, "/metrics"), cancel);
        Assert.Contains("fooling_elite_confidence{cell=\"1\",name=\"goldfish\"} ", metrics);
        Assert.True(metrics.Length < 250_000, $"/metrics is {metrics.Length:N0} characters");
    }

    [ChromiumFact]
    public async Task The_page_shows_1000_classes_as_a_heat_map_and_a_table_that_filters_sorts_and_opens_a_cell()
    {
        await using var run = await LiveRun.StartAsync();
        CancellationToken cancel = run.Cancel;
        await using HeadlessChromium browser = await HeadlessChromium.OpenAsync(run.Dashboard, cancel);

        Page page = await WaitFor(browser, p => p.Squares == Classes && p.Coloured == Classes && p.Rows.Length == Classes && p.Generation >= 1, "1,000 coloured squares and table rows", cancel);
        Assert.True(page.GridHidden);
        Assert.StartsWith("2 great white shark: ", page.Title2);
        Assert.Matches(@"^/api/elites/\d+\.png\?size=64&g=\d+$", page.Rows[0].Src);
        Assert.Equal("1 goldfish", page.Rows[1].Label);
        await Shoot(browser, "dashboard-1000-classes.png", cancel);

        // Filter by name: only the two sharks.
        await browser.EvaluateAsync("(() => { const f = document.getElementById('filter'); f.value = 'shark'; f.dispatchEvent(new Event('input')); })()", cancel);
        page = await WaitFor(browser, p => p.Rows.Length == 2, "the two sharks", cancel);
        Assert.Equal(["2 great white shark", "3 tiger shark"], page.Rows.Select(r => r.Label));

        // Top 5 by confidence, sorted by confidence, highest first.
        await browser.EvaluateAsync("""
            (() => {
              const f = document.getElementById('filter'); f.value = ''; f.dispatchEvent(new Event('input'));
              const v = document.getElementById('view'); v.value = 'top'; v.dispatchEvent(new Event('input'));
              const c = document.getElementById('count'); c.value = '5'; c.dispatchEvent(new Event('input'));
              document.querySelector('#elites th[data-sort="confidence"]').click();
            })()
            """, cancel);
        page = await WaitFor(browser, p => p.Rows.Length == 5, "the top five", cancel);
        double[] shown = [.. page.Rows.Select(r => double.Parse(r.Confidence.TrimEnd('%'), System.Globalization.CultureInfo.InvariantCulture))];
        Assert.Equal(shown.OrderDescending(), shown);
        Assert.StartsWith("5 of 1000", page.Shown);

        // A click on a square opens that class: its name, its elite and its history.
        await browser.EvaluateAsync("document.querySelector('#heatmap .sq[data-cell=\"1\"]').click()", cancel);
        page = await WaitFor(browser, p => p.Selected.StartsWith("1 goldfish", StringComparison.Ordinal) && p.SelectedPoints >= 2 && p.SelectedImage == 32, "goldfish's history", cancel);
        await Shoot(browser, "dashboard-1000-classes-top5-goldfish.png", cancel);
    }

    private static async Task Shoot(HeadlessChromium browser, string name, CancellationToken cancel)
    {
        if (Screenshots is not null)
        {
            // The thumbnails in view arrive (they are fetched lazily, by URL).
            for (int i = 0; i < 40; i++)
            {
                JsonElement loaded = await browser.EvaluateAsync("[...document.querySelectorAll('#elites tbody tr:nth-child(-n+15) img')].every(i => i.complete && i.naturalWidth > 0)", cancel);
                if (loaded.ValueKind == JsonValueKind.True)
                {
                    break;
                }

                await Task.Delay(250, cancel);
            }

            await browser.ScreenshotAsync(Path.Combine(Screenshots, name), cancel);
        }
    }

    private static async Task<string> NextArchive(StreamReader reader, CancellationToken cancel)
    {
        string? name = null;
        while (await reader.ReadLineAsync(cancel) is string line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                name = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal) && name == "archive")
            {
                return line["data: ".Length..];
            }
        }

        throw new InvalidOperationException("the event stream ended");
    }

    private static async Task<Page> WaitFor(HeadlessChromium browser, Func<Page, bool> condition, string what, CancellationToken cancel)
    {
        Page? last = null;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            last = (await browser.EvaluateAsync(ReadPage, cancel)).Deserialize<Page>(JsonSerializerOptions.Web)!;
            if (condition(last))
            {
                return last;
            }

            await Task.Delay(250, cancel);
        }

        Assert.Fail($"the page did not show {what} within 60 s; last seen: generation {last?.Generation}, {last?.Squares} squares, {last?.Coloured} coloured, {last?.Rows.Length} rows, '{last?.Shown}', selected '{last?.Selected}' ({last?.SelectedPoints} points)");
        throw new InvalidOperationException("unreachable");
    }

    private sealed record Page(int Generation, int Squares, int Coloured, bool GridHidden, Row[] Rows, string Shown, string Selected, int SelectedImage, int SelectedPoints, string Title2);

    private sealed record Row(int Cell, string Label, string Confidence, string Src);

    /// <summary>A CPPN search of the 1,000-class colour model with its dashboard, stopped and awaited on dispose.</summary>
    private sealed class LiveRun : IAsyncDisposable
    {
        private readonly TempDirectory _scratch;
        private readonly Task<(int Exit, string Out, string Err)> _run;
        private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(150));

        private LiveRun(TempDirectory scratch, Uri dashboard, Task<(int Exit, string Out, string Err)> run)
        {
            _scratch = scratch;
            Dashboard = dashboard;
            _run = run;
        }

        public Uri Dashboard { get; }

        public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(20) };

        public CancellationToken Cancel => _timeout.Token;

        public static async Task<LiveRun> StartAsync()
        {
            var scratch = new TempDirectory();
            string model = ColourModel.Save(scratch, Classes, side: 32, ColourModel.Names(Classes));
            string config = RunTestSupport.WriteConfig(scratch, "search.json", "cppn", model, generations: 1_000_000, seed: 4, initialPopulation: 100, batchSize: 50, snapshotEvery: 1_000_000);
            int port = FreePorts.Loopback();
            var dashboard = new Uri($"http://127.0.0.1:{port}/");
            Task<(int Exit, string Out, string Err)> run = Task.Factory.StartNew(
                () => RunTestSupport.Fooling("run", config, "--runs", scratch.File("runs"), "--threads", "1", "--dashboard", "--listen", $"127.0.0.1:{port}"),
                CancellationToken.None,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default);
            var live = new LiveRun(scratch, dashboard, run);
            await RunDashboardBrowserTests.WaitForServer(live.Http, dashboard, run, live.Cancel);
            return live;
        }

        public async ValueTask DisposeAsync()
        {
            await RunDashboardBrowserTests.StopQuietly(Http, Dashboard);
            await Task.WhenAny(_run, Task.Delay(TimeSpan.FromSeconds(60), CancellationToken.None));
            Http.Dispose();
            _timeout.Dispose();
            _scratch.Dispose();
        }
    }
}
