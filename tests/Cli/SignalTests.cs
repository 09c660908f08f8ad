using System.Globalization;
using FoolingCluster.Evolution.Runs;
using FoolingCluster.Protocol.Tests;
using FoolingCluster.Tests.Shared;
using Xunit;

namespace FoolingCluster.Cli.Tests;

/// <summary>
/// SIGTERM and SIGINT on real processes: every job stops at a safe point, saves what it has,
/// says how to continue and exits 128 + the signal; an unreachable broker is given up on in a
/// stated time with exit 2.
/// </summary>
[Collection(RunTestGroup.Name)]
public sealed class SignalTests(TargetModelFixture target, RabbitMqBroker broker) : IClassFixture<RabbitMqBroker>, IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private readonly TempDirectory _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public void Sigterm_stops_a_run_between_generations_saves_everything_exits_143_and_the_run_resumes()
    {
        Assert.True(OperatingSystem.IsLinux(), "this test sends signals with kill(1); it needs Linux");

        // No periodic snapshot: archive.pb and report.html exist afterwards only if the stop wrote them.
        string config = RunTestSupport.WriteConfig(_scratch, "search.json", "cppn", target.ModelPath, generations: 1_000_000, seed: 61, snapshotEvery: 1_000_000);
        string runs = _scratch.File("runs");
        string run;
        using (FoolingProcess child = FoolingProcess.Start(null, "run", config, "--runs", runs, "--threads", "1"))
        {
            child.WaitUntil(() => RunFolderWithHistory(runs, rows: 3) is not null, Patience, "at generation 2");
            run = RunFolderWithHistory(runs, rows: 3)!;
            Assert.False(File.Exists(Path.Combine(run, RunFiles.Archive)), "archive.pb exists before the signal; the test could not tell that the stop wrote it");
            child.Signal("TERM");
            int exit = child.WaitForExit(TimeSpan.FromSeconds(30), "fooling run after SIGTERM");
            Assert.True(exit == 143, $"exit code {exit}, expected 143; output:\n{child.Output}");
            Assert.Contains($"./fooling run --resume {run}", child.Output, StringComparison.Ordinal);
        }

        foreach (string file in new[] { RunFiles.Archive, RunFiles.Report, RunFiles.ElitesGrid, RunFiles.ElitePng(0) })
        {
            Assert.True(File.Exists(Path.Combine(run, file)), $"{file} was not written when the run stopped");
        }

        int last = RunTestSupport.History(run, 1_000_000)[^1].Generation;
        Assert.Equal(last + 1, RunTestSupport.Snapshot(run).Generation);
        int extended = last + 2;
        (int resumedExit, string resumed, string err) = RunTestSupport.Fooling("run", "--resume", run, "--generations", extended.ToString(CultureInfo.InvariantCulture), "--threads", "1");
        Assert.True(resumedExit == 0, err);
        Assert.Contains($"generation {extended}:", resumed, StringComparison.Ordinal);
        Assert.Equal(extended + 1, RunTestSupport.Snapshot(run).Generation);
    }

    [RabbitMqFact]
    public void Sigint_stops_a_worker_which_says_so_and_exits_130()
    {
        string prefix = $"t{Guid.NewGuid():N}.";
        using FoolingProcess worker = FoolingProcess.Start(null, "worker", "--broker", broker.Uri.ToString(), "--prefix", prefix, "--threads", "1", "--id", "w1", "--cache", _scratch.File("cache"));
        worker.WaitUntil(() => worker.Output.Contains("waiting for jobs", StringComparison.Ordinal), Patience, "waiting for jobs");

        worker.Signal("INT");

        int exit = worker.WaitForExit(TimeSpan.FromSeconds(15), "the worker after SIGINT");
        Assert.True(exit == 130, $"exit code {exit}, expected 130; output:\n{worker.Output}");
        Assert.Contains("worker w1: stopped by a signal", worker.Output, StringComparison.Ordinal);
    }

    [RabbitMqFact]
    public void A_coordinator_without_workers_stops_within_seconds_of_sigterm_saves_its_run_and_exits_143()
    {
        string prefix = $"t{Guid.NewGuid():N}.";
        string config = RunTestSupport.WriteConfig(_scratch, "search.json", "cppn", target.ModelPath, generations: 1_000_000, seed: 62, snapshotEvery: 1_000_000);
        string runs = _scratch.File("runs");
        using FoolingProcess coordinator = FoolingProcess.Start(null, "coordinator", config, "--broker", broker.Uri.ToString(), "--prefix", prefix, "--listen", "127.0.0.1:0", "--runs", runs, "--threads", "1");
        coordinator.WaitUntil(() => coordinator.Output.Contains("start them with", StringComparison.Ordinal), Patience, "waiting for workers");

        // Its first generation now waits for results no worker will send.
        Thread.Sleep(1000);
        string run = RunTestSupport.SingleRunFolder(runs);
        Assert.False(File.Exists(Path.Combine(run, RunFiles.Archive)), "archive.pb exists before the signal; the test could not tell that the stop wrote it");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        coordinator.Signal("TERM");

        int exit = coordinator.WaitForExit(TimeSpan.FromSeconds(20), "the coordinator after SIGTERM");
        Assert.True(exit == 143, $"exit code {exit}, expected 143; output:\n{coordinator.Output}");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the coordinator took {clock.Elapsed.TotalSeconds:F1} s to stop");
        Assert.Contains($"./fooling coordinator --resume {run}", coordinator.Output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(run, RunFiles.Archive)), "archive.pb was not written when the coordinator stopped");
        Assert.True(File.Exists(Path.Combine(run, RunFiles.Report)), "report.html was not written when the coordinator stopped");
    }

    [Theory]
    [InlineData("worker")]
    [InlineData("coordinator")]
    public void A_closed_broker_port_is_given_up_on_in_the_stated_time_with_exit_2(string command)
    {
        const string Closed = "amqp://127.0.0.1:1/";
        string[] args = command == "worker"
            ? ["worker", "--broker", Closed, "--cache", _scratch.File("cache")]
            : ["coordinator", RunTestSupport.WriteConfig(_scratch, "search.json", "cppn", target.ModelPath, generations: 5, seed: 63), "--broker", Closed, "--listen", "127.0.0.1:0", "--runs", _scratch.File("runs")];
        using FoolingProcess child = FoolingProcess.Start(new Dictionary<string, string> { ["FOOLING_BROKER_CONNECT_SECONDS"] = "3" }, args);

        int exit = child.WaitForExit(TimeSpan.FromSeconds(45), $"fooling {command} with a closed broker port");

        Assert.True(exit == 2, $"exit code {exit}, expected 2; output:\n{child.Output}");
        Assert.Contains($"cannot reach the broker at {Closed} (connection refused); retrying for 3 s", child.Output, StringComparison.Ordinal);
        Assert.Contains($"error: cannot reach the broker at {Closed} (connection refused); gave up after 3 s", child.Output, StringComparison.Ordinal);
    }

    /// <summary>The single run folder under <paramref name="runs"/> once its history.csv has <paramref name="rows"/> generations; null before.</summary>
    private static string? RunFolderWithHistory(string runs, int rows)
    {
        string[] folders = Directory.Exists(runs) ? Directory.GetDirectories(runs) : [];
        if (folders.Length != 1)
        {
            return null;
        }

        try
        {
            using var stream = new FileStream(Path.Combine(folders[0], RunFiles.History), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd().Count(c => c == '\n') > rows ? folders[0] : null;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
