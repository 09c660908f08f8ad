using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using FoolingCluster.Evolution.Genomes;
using FoolingCluster.Runs;
using FoolingCluster.Tests.Shared;
using Xunit;

namespace FoolingCluster.Cli.Tests;

/// <summary>
/// The active coordinator killed with -9 while a standby coordinator (joined to it, sharing its
/// journal on a private PostgreSQL server, its own copy of the run folder made when the run
/// started, as on another machine) and two workers run, all real processes on 127.0.0.1: the
/// standby takes the run over from the journal, rebuilds the history and found images its copy
/// lacks, re-plans the generation that was in flight and finishes with the archive, history and
/// found images of the same search run uninterrupted in one process. The active coordinator
/// stopped on purpose (SIGTERM) instead: the standby, whose dashboard showed the active run
/// while it stood by, leaves the run stopped.
/// </summary>
[Collection(RunTestGroup.Name)]
public sealed class CoordinatorFailoverTests : IClassFixture<PostgresServer>, IDisposable
{
    private readonly TargetModelFixture _target;
    private readonly PostgresServer _postgres;
    private readonly LocalCluster _cluster = new();
    private readonly TempDirectory _scratch;

    public CoordinatorFailoverTests(TargetModelFixture target, PostgresServer postgres)
    {
        _target = target;
        _postgres = postgres;
        _scratch = _cluster.Scratch;
    }

    public void Dispose() => _cluster.Dispose();

    [Fact]
    public async Task A_standby_with_its_own_copy_of_the_run_folder_takes_over_from_a_killed_coordinator_and_the_run_ends_as_an_uninterrupted_one()
    {
        Assert.True(_postgres.Unavailable is null, _postgres.Unavailable);
        string journal = await _postgres.NewDatabaseAsync();
        const int Generations = 30;
        string config = RunTestSupport.WriteConfig(_scratch, "search.json", "cppn", _target.ModelPath, generations: Generations, seed: 57, initialPopulation: 40, batchSize: 80, snapshotEvery: 4, recordThreshold: 0.5, jobSize: 40);
        (FoolingProcess active, FoolingProcess standby, string run, string standbyAddress) = StartActiveAndStandby(config, journal, ownFolder: true);
        string activeRun = RunTestSupport.SingleRunFolder(_scratch.File("runs"));
        var joinBoth = new Dictionary<string, string> { ["FOOLING_JOIN_SECONDS"] = "240" };
        foreach (string id in new[] { "w1", "w2" })
        {
            _cluster.Start(joinBoth, "worker", "--join", _cluster.Address, "--join", standbyAddress, "--threads", "1", "--id", id, "--cache", _scratch.File($"cache-{id}"));
        }

        active.WaitUntil(() => RunTestSupport.History(activeRun, Generations).Count >= 8, LocalCluster.Patience, "at generation 7");
        active.Signal("KILL");
        Assert.Equal(137, active.WaitForExit(TimeSpan.FromSeconds(30), "the killed coordinator"));
        Assert.True(RunTestSupport.History(activeRun, Generations).Count < Generations, "the active coordinator got too far before the kill");
        Assert.True(RunTestSupport.History(run, Generations).Count == 0, "the standby's copy of the run folder was made after the run began");

        _cluster.AssertSucceeds(standby);
        Assert.True(standby.Output.Contains("the active coordinator is gone: taking over", StringComparison.Ordinal), _cluster.Output);
        Assert.True(standby.Output.Contains("generation rows rebuilt from the run's journal", StringComparison.Ordinal), _cluster.Output);

        // The dashboard it showed the active run on while standing by now serves its own run, at the same address.
        Match followed = Regex.Match(standby.Output, @"the dashboard at (http://\S+) shows the active coordinator's run");
        Assert.True(followed.Success, standby.Output);
        Assert.Equal(2, Regex.Count(standby.Output, $"dashboard on {Regex.Escape(followed.Groups[1].Value)}"));
        string straight = RunTestSupport.RunOnOneThread(config, _scratch.File("straight"));
        RunTestSupport.AssertSameSearchState(RunTestSupport.Snapshot(straight), RunTestSupport.Snapshot(run));
        List<GenerationRecord> history = RunTestSupport.History(run, Generations);
        List<GenerationRecord> straightHistory = RunTestSupport.History(straight, Generations);
        Assert.Equal(Enumerable.Range(0, Generations + 1), history.Select(r => r.Generation));
        Assert.Equal(straightHistory.Select(r => r.Evaluations), history.Select(r => r.Evaluations));
        Assert.Equal(straightHistory.Select(r => r.CellConfidences), history.Select(r => r.CellConfidences));
        IReadOnlyList<FoundImage> found = FoundImageLog.Read(Path.Combine(run, RunFiles.Found), ImageShape.Mnist);
        IReadOnlyList<FoundImage> straightFound = FoundImageLog.Read(Path.Combine(straight, RunFiles.Found), ImageShape.Mnist);
        Assert.True(straightFound.Count > 20, "the uninterrupted run recorded no image at 50%; the comparison would prove nothing");
        Assert.Equal(Fingerprints(straightFound), Fingerprints(found));
    }

    [Fact]
    public async Task A_coordinator_stopped_on_purpose_leaves_the_run_stopped_and_its_standby_does_not_carry_it_on()
    {
        Assert.True(_postgres.Unavailable is null, _postgres.Unavailable);
        string journal = await _postgres.NewDatabaseAsync();
        const int Generations = 1_000_000;
        string config = RunTestSupport.WriteConfig(_scratch, "search.json", "cppn", _target.ModelPath, generations: Generations, seed: 58, initialPopulation: 40, batchSize: 80, jobSize: 40);
        (FoolingProcess active, FoolingProcess standby, string run, _) = StartActiveAndStandby(config, journal);
        _cluster.Worker("w1");
        active.WaitUntil(() => RunTestSupport.History(run, Generations).Count >= 4, LocalCluster.Patience, "at generation 3");

        // The standby's dashboard shows the active coordinator's run while it stands by.
        Match served = Regex.Match(standby.Output, @"the dashboard at (http://\S+) shows the active coordinator's run");
        Assert.True(served.Success, standby.Output);
        using (var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) })
        {
            JsonElement archive = default;
            standby.WaitUntil(
                () =>
                {
                    using JsonDocument json = JsonDocument.Parse(http.GetStringAsync(new Uri(new Uri(served.Groups[1].Value), "api/archive")).GetAwaiter().GetResult());
                    archive = json.RootElement.Clone();
                    return archive.GetProperty("generation").GetInt32() >= 3;
                },
                LocalCluster.Patience,
                "the standby's dashboard at generation 3");
            Assert.Equal(Path.GetFileName(run), archive.GetProperty("runId").GetString());
            Assert.StartsWith("the standby coordinator at 127.0.0.1:", archive.GetProperty("shownBy").GetString(), StringComparison.Ordinal);
            Assert.Equal(archive.GetProperty("stats").GetProperty("filled").GetInt32(), archive.GetProperty("elites").GetArrayLength());
        }

        active.Signal("TERM");

        Assert.Equal(143, active.WaitForExit(TimeSpan.FromSeconds(30), "the coordinator after SIGTERM"));
        int merged = RunTestSupport.Snapshot(run).Generation;
        Assert.Equal(0, standby.WaitForExit(LocalCluster.Patience, "the standby after the active coordinator stopped on purpose"));
        Assert.True(standby.Output.Contains($"the active coordinator stopped the run on purpose after generation {merged - 1}; it stays stopped", StringComparison.Ordinal), _cluster.Output);
        Assert.Equal(merged, RunTestSupport.Snapshot(run).Generation);
        Assert.Equal(merged, RunTestSupport.History(run, Generations).Count);
    }

    /// <summary>Each image as label, generation and pixels, in a fixed order: found images compared as a set, since workers' results of one generation may be reported in another order.</summary>
    private static List<string> Fingerprints(IEnumerable<FoundImage> images) =>
        [.. images.Select(i => $"{i.Generation}:{i.Label}:{Convert.ToHexString(i.Pixels)}").Order(StringComparer.Ordinal)];

    /// <summary>
    /// An active coordinator of <paramref name="config"/> journaling to <paramref name="journal"/>, and
    /// a standby joined to it, waiting: on the same run folder, or, with <paramref name="ownFolder"/>,
    /// on a copy of it made as the run starts (what a standby on another machine has).
    /// </summary>
    /// <returns>The processes, the standby's run folder and its cluster address.</returns>
    private (FoolingProcess Active, FoolingProcess Standby, string Run, string StandbyAddress) StartActiveAndStandby(string config, string journal, bool ownFolder = false)
    {
        string runs = _scratch.File("runs");
        string standbyAddress = string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{FreePorts.Loopback()}");
        FoolingProcess active = _cluster.Coordinator(config, "--runs", runs, "--journal", journal);
        active.WaitUntil(() => Directory.Exists(runs) && Directory.GetDirectories(runs).Length == 1, LocalCluster.Patience, "its run folder");
        string run = RunTestSupport.SingleRunFolder(runs);
        if (ownFolder)
        {
            // The run id is the folder's name: the copy keeps it, elsewhere.
            active.WaitUntil(() => File.Exists(Path.Combine(run, RunFiles.JournalLocation)), LocalCluster.Patience, "its journal's location");
            string copy = Path.Combine(_scratch.File("standby-machine"), Path.GetFileName(run));
            Directory.CreateDirectory(copy);
            string sidecar = Path.GetFileName(Models.Checkpoints.ModelCheckpoint.SidecarPath(Path.Combine(run, RunFiles.Model)));
            foreach (string name in new[] { RunFiles.Config, RunFiles.JournalLocation, RunFiles.Model, sidecar })
            {
                File.Copy(Path.Combine(run, name), Path.Combine(copy, name));
            }

            run = copy;
        }

        FoolingProcess standby = _cluster.Start(null, "coordinator", "--resume", run, "--join", _cluster.Address, "--cluster", standbyAddress, "--listen", "127.0.0.1:0", "--threads", "1", "--journal", journal);
        standby.WaitForOutput("standing by at", LocalCluster.Patience);
        return (active, standby, run, standbyAddress);
    }
}
