using System.Globalization;
using FoolingCluster.Protocol.Messages;
using FoolingCluster.Tests.Shared;
using Xunit;

namespace FoolingCluster.Cli.Tests;

/// <summary>
/// The cluster's faults with real processes on 127.0.0.1: a worker killed while it holds a job, a
/// worker leaving and another joining a run under way, and a coordinator killed, or stopped with
/// SIGTERM, and resumed on the same address. Each
/// run still ends as the same search run uninterrupted in one process: the coordinator merges
/// results in job order, whichever worker computed them.
/// </summary>
[Collection(RunTestGroup.Name)]
public sealed class ClusterFaultTests : IDisposable
{
    private readonly TargetModelFixture _target;
    private readonly LocalCluster _cluster = new();
    private readonly TempDirectory _scratch;

    public ClusterFaultTests(TargetModelFixture target)
    {
        _target = target;
        _scratch = _cluster.Scratch;
    }

    public void Dispose() => _cluster.Dispose();

    [Fact]
    public void A_worker_killed_while_it_holds_a_job_loses_nothing_and_the_run_ends_as_an_uninterrupted_one()
    {
        const int Generations = 12;

        // Eight jobs a generation keep both workers busy nearly all the time, so the kill finds
        // the doomed one holding a job; a fixed job size and one kernel thread everywhere let the
        // run be compared with the same search run in one process.
        string config = RunTestSupport.WriteConfig(_scratch, "search.json", "direct", _target.ModelPath, generations: Generations, seed: 52, initialPopulation: 40, batchSize: 200, jobSize: 25);
        string runs = _scratch.File("runs");
        FoolingProcess coordinator = _cluster.Coordinator(config, "--runs", runs, "--wait-for-workers", "2");
        FoolingProcess doomed = _cluster.Worker("doomed");
        _cluster.Worker("survivor");
        doomed.WaitForOutput("fetched model", LocalCluster.Patience);
        coordinator.WaitUntil(() => LiveRunFolder.WithHistory(runs, rows: 4) is not null, LocalCluster.Patience, "at generation 3");

        doomed.Signal("KILL");

        Assert.Equal(137, doomed.WaitForExit(TimeSpan.FromSeconds(30), "the killed worker"));
        _cluster.AssertSucceeds(coordinator);
        Assert.True(coordinator.Output.Contains("worker doomed is gone; its job", StringComparison.Ordinal), $"the killed worker held no job\n{_cluster.Output}");

        // Before the cluster downed it, the membership said the silent node was unreachable.
        System.Text.RegularExpressions.Match unreachable = System.Text.RegularExpressions.Regex.Match(coordinator.Output, "worker doomed on [^\n]* is unreachable; ");
        Assert.True(unreachable.Success && unreachable.Index < coordinator.Output.IndexOf("worker doomed is gone", StringComparison.Ordinal), $"no unreachable line before the worker was gone\n{_cluster.Output}");
        string run = RunTestSupport.SingleRunFolder(runs);
        Assert.True(RunTestSupport.History(run, Generations).Count == Generations + 1, "history.csv lacks generations");
        string straight = RunTestSupport.RunOnOneThread(config, _scratch.File("straight"));
        RunTestSupport.AssertSameSearchState(RunTestSupport.Snapshot(straight), RunTestSupport.Snapshot(run));
    }

    [Fact]
    public void A_worker_joining_a_run_under_way_gets_jobs_and_the_run_finishes()
    {
        const int Generations = 30;
        string config = RunTestSupport.WriteConfig(_scratch, "search.json", "cppn", _target.ModelPath, generations: Generations, seed: 55, initialPopulation: 40, batchSize: 120, jobSize: 30);
        string runs = _scratch.File("runs");
        FoolingProcess coordinator = _cluster.Coordinator(config, "--runs", runs);
        FoolingProcess first = _cluster.Worker("first");
        coordinator.WaitUntil(() => LiveRunFolder.WithHistory(runs, rows: 3) is not null, LocalCluster.Patience, "at generation 2");

        // The first worker leaves, handing back its job: from here the run can only finish on the
        // worker that joins now, however fast the machine is.
        first.Signal("TERM");
        Assert.Equal(143, first.WaitForExit(TimeSpan.FromSeconds(30), "the first worker after SIGTERM"));
        Assert.False(coordinator.HasExited, $"the run ended before the second worker could join it\n{_cluster.Output}");
        FoolingProcess late = _cluster.Worker("late");

        _cluster.AssertSucceeds(coordinator);
        Assert.True(coordinator.Output.Contains("worker late on ", StringComparison.Ordinal), _cluster.Output);
        late.WaitForOutput("fetched model", TimeSpan.FromSeconds(30));
        ArchiveSnapshotMessage snapshot = RunTestSupport.Snapshot(RunTestSupport.SingleRunFolder(runs));
        Assert.Equal(Generations + 1, snapshot.Generation);
        Assert.Equal(40 + (Generations * 120), snapshot.Evaluations);
    }

    [Fact]
    public void A_coordinator_killed_and_resumed_on_its_address_gets_its_worker_back_and_ends_as_an_uninterrupted_run()
    {
        const int Generations = 30;

        // Fixed job size and one kernel thread everywhere, so every process computes the same
        // numbers as the uninterrupted run in one process it is compared with.
        string endless = RunTestSupport.WriteConfig(_scratch, "endless.json", "cppn", _target.ModelPath, generations: 1_000_000, seed: 53, initialPopulation: 40, batchSize: 80, snapshotEvery: 4, jobSize: 40);
        string config = RunTestSupport.WriteConfig(_scratch, "search.json", "cppn", _target.ModelPath, generations: Generations, seed: 53, initialPopulation: 40, batchSize: 80, snapshotEvery: 4, jobSize: 40);
        string runs = _scratch.File("runs");
        FoolingProcess first = _cluster.Coordinator(endless, "--runs", runs);
        FoolingProcess worker = _cluster.Worker("w1");
        first.WaitUntil(() => LiveRunFolder.WithHistory(runs, rows: 7) is not null, LocalCluster.Patience, "at generation 6");
        first.Signal("KILL");
        first.WaitForExit(TimeSpan.FromSeconds(30), "the killed coordinator");
        string run = RunTestSupport.SingleRunFolder(runs);
        Assert.True(RunTestSupport.History(run, Generations).Count < Generations, "the coordinator got too far before the kill");

        FoolingProcess resumed = _cluster.Coordinator("--resume", run, "--generations", Generations.ToString(CultureInfo.InvariantCulture));

        _cluster.AssertSucceeds(resumed);
        Assert.True(worker.Output.Contains("worker w1: the cluster has had no coordinator for 10 s; joining again", StringComparison.Ordinal), _cluster.Output);
        Assert.True(resumed.Output.Contains("worker w1 on ", StringComparison.Ordinal), _cluster.Output);
        Assert.False(worker.HasExited, $"the worker did not stay for the next run\n{_cluster.Output}");
        string straight = RunTestSupport.RunOnOneThread(config, _scratch.File("straight"));
        RunTestSupport.AssertSameSearchState(RunTestSupport.Snapshot(straight), RunTestSupport.Snapshot(run));
        Assert.Equal(Enumerable.Range(0, Generations + 1), RunTestSupport.History(run, Generations).Select(r => r.Generation));
    }

    [Fact]
    public void A_coordinator_stopped_with_sigterm_and_resumed_on_its_address_gets_its_worker_back_and_the_run_finishes()
    {
        const int Generations = 20;
        string endless = RunTestSupport.WriteConfig(_scratch, "endless.json", "cppn", _target.ModelPath, generations: 1_000_000, seed: 56, initialPopulation: 40, batchSize: 80, jobSize: 40);
        string config = RunTestSupport.WriteConfig(_scratch, "search.json", "cppn", _target.ModelPath, generations: Generations, seed: 56, initialPopulation: 40, batchSize: 80, jobSize: 40);
        string runs = _scratch.File("runs");
        FoolingProcess first = _cluster.Coordinator(endless, "--runs", runs);
        FoolingProcess worker = _cluster.Worker("w1");
        first.WaitUntil(() => LiveRunFolder.WithHistory(runs, rows: 4) is not null, LocalCluster.Patience, "at generation 3");

        first.Signal("TERM");

        Assert.Equal(143, first.WaitForExit(TimeSpan.FromSeconds(30), "the coordinator after SIGTERM"));
        string run = RunTestSupport.SingleRunFolder(runs);
        Assert.Contains($"./fooling coordinator --resume {run}", first.Output, StringComparison.Ordinal);
        Assert.True(RunTestSupport.History(run, Generations).Count < Generations, "the coordinator got too far before the signal");
        FoolingProcess resumed = _cluster.Coordinator("--resume", run, "--generations", Generations.ToString(CultureInfo.InvariantCulture));

        _cluster.AssertSucceeds(resumed);
        Assert.True(worker.Output.Contains("worker w1: the cluster has had no coordinator for 10 s; joining again", StringComparison.Ordinal), _cluster.Output);
        Assert.True(resumed.Output.Contains("worker w1 on ", StringComparison.Ordinal), _cluster.Output);
        string straight = RunTestSupport.RunOnOneThread(config, _scratch.File("straight"));
        RunTestSupport.AssertSameSearchState(RunTestSupport.Snapshot(straight), RunTestSupport.Snapshot(run));
    }
}
