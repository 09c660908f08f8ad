using System.Globalization;
using FoolingCluster.Runs;
using FoolingCluster.Tests.Shared;
using Xunit;

namespace FoolingCluster.Cli.Tests;

/// <summary>
/// SIGTERM and SIGINT on real processes: every job stops at a safe point, saves what it has,
/// says how to continue and exits 128 + the signal; a worker with no coordinator to join gives
/// up in the stated time with exit 2.
/// </summary>
[Collection(RunTestGroup.Name)]
public sealed class SignalTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private readonly TargetModelFixture _target;
    private readonly LocalCluster _cluster = new();
    private readonly TempDirectory _scratch;

    public SignalTests(TargetModelFixture target)
    {
        _target = target;
        _scratch = _cluster.Scratch;
    }

    public void Dispose() => _cluster.Dispose();

    [Fact]
    public void Sigterm_stops_a_run_between_generations_saves_everything_exits_143_and_the_run_resumes()
    {
        Assert.True(OperatingSystem.IsLinux(), "this test sends signals with kill(1); it needs Linux");

        // No periodic snapshot: archive.pb and report.html exist afterwards only if the stop wrote them.
        string config = RunTestSupport.WriteConfig(_scratch, "search.json", "cppn", _target.ModelPath, generations: 1_000_000, seed: 61, snapshotEvery: 1_000_000);
        string runs = _scratch.File("runs");
        string run;
        using (FoolingProcess child = FoolingProcess.Start(null, "run", config, "--runs", runs, "--threads", "1"))
        {
            child.WaitUntil(() => LiveRunFolder.WithHistory(runs, rows: 3) is not null, Patience, "at generation 2");
            run = LiveRunFolder.WithHistory(runs, rows: 3)!;
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

    [Fact]
    public void Sigint_stops_a_worker_which_says_so_and_exits_130()
    {
        string config = RunTestSupport.WriteConfig(_scratch, "search.json", "cppn", _target.ModelPath, generations: 1_000_000, seed: 62, snapshotEvery: 1_000_000);
        _cluster.Coordinator(config, "--runs", _scratch.File("runs"));
        FoolingProcess worker = _cluster.Worker("w1");
        worker.WaitForOutput("waiting for jobs", LocalCluster.Patience);

        worker.Signal("INT");

        int exit = worker.WaitForExit(TimeSpan.FromSeconds(15), "the worker after SIGINT");
        Assert.True(exit == 130, $"exit code {exit}, expected 130; output:\n{worker.Output}");
        Assert.Contains("worker w1: stopped by a signal", worker.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_coordinator_without_workers_stops_within_seconds_of_sigterm_saves_its_run_and_exits_143()
    {
        string config = RunTestSupport.WriteConfig(_scratch, "search.json", "cppn", _target.ModelPath, generations: 1_000_000, seed: 62, snapshotEvery: 1_000_000);
        string runs = _scratch.File("runs");
        FoolingProcess coordinator = _cluster.Coordinator(config, "--runs", runs);
        coordinator.WaitForOutput("start them with", LocalCluster.Patience);

        // No line marks the moment the search sends out its first generation, which then waits
        // for results no worker will send: give it a second.
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

    [Fact]
    public void A_coordinator_whose_worker_was_just_killed_stops_within_seconds_of_sigterm()
    {
        // The killed worker stays unreachable until the cluster downs it, about 15 s later; a
        // coordinator stopped before that cannot finish leaving the cluster and must not wait for it.
        string config = RunTestSupport.WriteConfig(_scratch, "search.json", "cppn", _target.ModelPath, generations: 1_000_000, seed: 63, snapshotEvery: 1_000_000);
        string runs = _scratch.File("runs");
        FoolingProcess coordinator = _cluster.Coordinator(config, "--runs", runs, "--wait-for-workers", "1");
        FoolingProcess worker = _cluster.Worker("doomed");
        coordinator.WaitUntil(() => LiveRunFolder.WithHistory(runs, rows: 2) is not null, LocalCluster.Patience, "at generation 1");
        worker.Signal("KILL");
        Assert.Equal(137, worker.WaitForExit(TimeSpan.FromSeconds(30), "the killed worker"));
        coordinator.WaitForOutput("is unreachable", LocalCluster.Patience);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        coordinator.Signal("TERM");
        string before = coordinator.Output;

        int exit = coordinator.WaitForExit(TimeSpan.FromSeconds(30), "the coordinator after SIGTERM");
        Assert.True(exit == 143, $"exit code {exit}, expected 143; output:\n{coordinator.Output}");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the coordinator took {clock.Elapsed.TotalSeconds:F1} s to stop\n{coordinator.Output}");
        Assert.False(before.Contains("worker doomed is gone", StringComparison.Ordinal), $"the worker was downed before the signal, so nothing was unreachable\n{before}");
        Assert.Contains($"./fooling coordinator --resume {RunTestSupport.SingleRunFolder(runs)}", coordinator.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_worker_with_no_coordinator_to_join_gives_up_after_the_stated_time_with_exit_2()
    {
        // Nothing listens at the cluster's address: no coordinator was started.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        FoolingProcess worker = _cluster.Start(new Dictionary<string, string> { ["FOOLING_JOIN_SECONDS"] = "3" }, "worker", "--join", _cluster.Address, "--cache", _scratch.File("cache"));

        int exit = worker.WaitForExit(TimeSpan.FromSeconds(60), "a worker with no coordinator");

        Assert.True(exit == 2, $"exit code {exit}, expected 2; output:\n{worker.Output}");
        Assert.Contains($"error: could not join the cluster through {_cluster.Address} within 3 s: is a coordinator running there, and is the port open?", worker.Output, StringComparison.Ordinal);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(3), $"gave up after {clock.Elapsed.TotalSeconds:F1} s, before the 3 s it was given");
    }
}
