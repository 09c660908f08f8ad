using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using FoolingCluster.Tests.Shared;
using Xunit;

namespace FoolingCluster.Cli.Tests;

/// <summary>
/// <c>fooling run --dashboard</c> in a real browser: the page fills its grid from the running
/// search, follows it live (server-sent events, no reload), shows a pause, and the run stops
/// from the HTTP API and takes its server down with it.
/// </summary>
[Collection(RunTestGroup.Name)]
public partial class RunDashboardBrowserTests(TargetModelFixture target)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>What the page shows, read from its DOM.</summary>
    private const string ReadPage = """
        (() => {
          const state = document.getElementById('state');
          if (!state) {
            return { generation: -1, state: 'not loaded yet', cells: [], workers: [] };
          }
          const cells = [...document.querySelectorAll('#grid .cell.filled')];
          const generation = document.getElementById('generation');
          return {
            generation: generation ? Number(generation.textContent) : -1,
            state: state.textContent,
            cells: cells.map(c => {
              const img = c.querySelector('img');
              return {
                cell: Number(c.dataset.cell),
                confidence: c.querySelector('.confidence').textContent,
                fooled: c.classList.contains('fooled'),
                src: img ? img.getAttribute('src') : '',
                loaded: !!img && img.complete && img.naturalWidth === 28,
              };
            }),
            workers: [...document.querySelectorAll('#workers tbody tr[data-worker]')].map(r => r.dataset.worker),
          };
        })()
        """;

    [ChromiumFact]
    public async Task The_live_page_fills_the_grid_follows_the_run_and_the_run_stops_from_the_api()
    {
        using var scratch = new TempDirectory();
        string config = RunTestSupport.WriteConfig(scratch, "search.json", "direct", target.ModelPath, generations: 1_000_000, seed: 7, initialPopulation: 20, batchSize: 20, snapshotEvery: 1_000_000);
        int port = FreePorts.Loopback();
        var dashboard = new Uri($"http://127.0.0.1:{port}/");
        Task<(int Exit, string Out, string Err)> run = Task.Factory.StartNew(
            () => RunTestSupport.Fooling("run", config, "--runs", scratch.File("runs"), "--threads", "1", "--dashboard", "--listen", $"127.0.0.1:{port}"),
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        try
        {
            await WaitForServer(http, dashboard, run, timeout.Token);
            await using HeadlessChromium browser = await HeadlessChromium.OpenAsync(dashboard, timeout.Token);

            // The grid fills: ten cells, each with its image loaded, a truncated percentage, and
            // the highlight exactly where that percentage reaches 99.99%.
            PageState first = await WaitFor(browser, p => p.Cells.Length == 10 && p.Cells.All(c => c.Loaded) && p.Generation >= 0, "ten filled cells with images", timeout.Token);
            Assert.Equal(Enumerable.Range(0, 10), first.Cells.Select(c => c.Cell));
            foreach (CellState cell in first.Cells)
            {
                Match percent = PercentText().Match(cell.Confidence);
                Assert.True(percent.Success, $"cell {cell.Cell} shows '{cell.Confidence}', not a percentage with three decimals");
                Assert.Equal(double.Parse(percent.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) >= 99.99, cell.Fooled);
                Assert.Matches($"^/api/elites/{cell.Cell}\\.png\\?g=[0-9]+$", cell.Src);
            }

            // It follows the run without a reload, workers included.
            PageState later = await WaitFor(browser, p => p.Generation > first.Generation + 2 && p.Workers.Length > 0, "a later generation and the worker", timeout.Token);
            Assert.Equal(["embedded-1"], later.Workers);
            Assert.Equal("running", later.State);

            // Pause and resume reach the page as state changes.
            Assert.Equal(HttpStatusCode.OK, (await http.PostAsync(new Uri(dashboard, "/api/control/pause"), null, timeout.Token)).StatusCode);
            await WaitFor(browser, p => p.State == "paused", "the paused state", timeout.Token);
            Assert.Equal(HttpStatusCode.OK, (await http.PostAsync(new Uri(dashboard, "/api/control/resume"), null, timeout.Token)).StatusCode);
            await WaitFor(browser, p => p.State == "running", "the running state again", timeout.Token);

            // A click on a cell opens its elite and its confidence over generations.
            await browser.EvaluateAsync("document.querySelector('#grid .cell.filled[data-cell=\"3\"]').click()", timeout.Token);
            JsonElement selected = default;
            for (int i = 0; i < 120 && !(selected.ValueKind == JsonValueKind.String && selected.GetString()!.StartsWith("class 3", StringComparison.Ordinal)); i++)
            {
                await Task.Delay(250, timeout.Token);
                selected = await browser.EvaluateAsync("(() => { const s = document.getElementById('selected'); return s.hidden || !s.querySelector('polyline') ? '' : s.querySelector('h3').textContent; })()", timeout.Token);
            }

            Assert.StartsWith("class 3", selected.GetString());
            if (Environment.GetEnvironmentVariable("FOOLING_SCREENSHOTS") is string shots)
            {
                await Task.Delay(500, timeout.Token);
                await browser.ScreenshotAsync(Path.Combine(shots, "dashboard-10-classes.png"), timeout.Token);
            }
        }
        finally
        {
            // Stopped and awaited whatever happened above: the run must not outlive its folder.
            await StopQuietly(http, dashboard);
            await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(60), CancellationToken.None));
        }

        (int exit, string output, string err) = await run.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(exit == FoolingApp.Interrupted, $"exit {exit}; stderr: {err}\nstdout: {output}");
        Assert.Contains($"dashboard on {dashboard}", output);
        Assert.Contains("stop requested", output);
        Assert.Contains("--resume", output);

        // The server went with the run.
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(new Uri(dashboard, "/api/archive")));
    }


    internal static async Task WaitForServer(HttpClient http, Uri dashboard, Task<(int Exit, string Out, string Err)> run, CancellationToken cancel)
    {
        while (true)
        {
            if (run.IsCompleted)
            {
                (int exit, string output, string err) = await run;
                Assert.Fail($"fooling run exited with {exit} before its dashboard answered; stderr: {err}\nstdout: {output}");
            }

            try
            {
                using HttpResponseMessage response = await http.GetAsync(new Uri(dashboard, "/api/archive"), cancel);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(200, cancel);
        }
    }

    private static async Task<PageState> WaitFor(HeadlessChromium browser, Func<PageState, bool> condition, string what, CancellationToken cancel)
    {
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        patience.CancelAfter(Patience);
        PageState? last = null;
        try
        {
            while (true)
            {
                JsonElement value = await browser.EvaluateAsync(ReadPage, patience.Token);
                last = value.Deserialize<PageState>(JsonSerializerOptions.Web)!;
                if (condition(last))
                {
                    return last;
                }

                await Task.Delay(250, patience.Token);
            }
        }
        catch (OperationCanceledException) when (patience.IsCancellationRequested)
        {
            Assert.Fail($"the page did not show {what} within {Patience.TotalSeconds:F0} s; last seen: {JsonSerializer.Serialize(last)}");
            throw;
        }
    }

    internal static async Task StopQuietly(HttpClient http, Uri dashboard)
    {
        try
        {
            using HttpResponseMessage response = await http.PostAsync(new Uri(dashboard, "/api/control/stop"), null);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            // The run is already gone; awaiting it reports why.
        }
    }

    [GeneratedRegex(@"^([0-9]{1,3}\.[0-9]{3})%$")]
    private static partial Regex PercentText();

    private sealed record PageState(int Generation, string State, CellState[] Cells, string[] Workers);

    private sealed record CellState(int Cell, string Confidence, bool Fooled, string Src, bool Loaded);
}

/// <summary>The dashboard options of <c>fooling run</c> are checked before anything runs: exit 2, a message, no run folder.</summary>
public class RunDashboardOptionTests
{
    [Theory]
    [InlineData("add --dashboard", "--listen", "127.0.0.1:9000")]
    [InlineData("add --dashboard", "--token", "abc")]
    [InlineData("without a token", "--dashboard", "--listen", "0.0.0.0:9000")]
    [InlineData("not an IP address", "--dashboard", "--listen", "dashboard.example:9000")]
    [InlineData("HOST:PORT", "--dashboard", "--listen", "9000")]
    public void Bad_dashboard_options_are_refused_before_the_run_starts(string message, params string[] options)
    {
        using var scratch = new TempDirectory();
        string config = scratch.File("search.json");
        File.WriteAllText(config, """{ "encoding": "direct", "trainConfig": "" }""");
        string runs = scratch.File("runs");
        (int exit, _, string err) = RunTestSupport.Fooling(["run", config, "--runs", runs, .. options]);
        Assert.Equal(FoolingApp.BadInput, exit);
        Assert.Contains(message, err);
        Assert.False(Directory.Exists(runs), "a run folder was created for a refused command");
    }
}
