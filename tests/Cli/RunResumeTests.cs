using FoolingCluster.Protocol.Messages;
using FoolingCluster.Runs;
using FoolingCluster.Tests.Shared;
using Xunit;

namespace FoolingCluster.Cli.Tests;

/// <summary><c>--resume</c> continues a run exactly as the uninterrupted run would have gone on.</summary>
[Collection(RunTestGroup.Name)]
public class RunResumeTests(TargetModelFixture target)
{
    [Theory]
    [InlineData("cppn")]
    [InlineData("direct")]
    public void Resumed_run_equals_the_uninterrupted_run(string encoding)
    {
        using var scratch = new TempDirectory();
        string config = RunTestSupport.WriteConfig(scratch, "search.json", encoding, target.ModelPath, generations: 200, seed: 21, recordThreshold: 0.5);

        string resumed = RunTestSupport.RunOnOneThread(config, scratch.File("resumed"), "--generations", "10");
        Assert.Equal(Enumerable.Range(0, 11), RunTestSupport.History(resumed, 10).Select(r => r.Generation));
        Assert.Equal(11, RunTestSupport.Snapshot(resumed).Generation);

        (int exit, string output, string err) = RunTestSupport.Fooling("run", "--resume", resumed, "--generations", "20", "--threads", "1");
        Assert.True(exit == 0, err);
        Assert.Contains("generation 20:", output);
        List<GenerationRecord> history = RunTestSupport.History(resumed, 20);
        Assert.Equal(Enumerable.Range(0, 21), history.Select(r => r.Generation));
        Assert.Contains("\"generations\": 20", File.ReadAllText(Path.Combine(resumed, RunFiles.Config)));
        Assert.Contains("resuming", File.ReadAllText(Path.Combine(resumed, "log.txt")));

        string straight = RunTestSupport.RunOnOneThread(config, scratch.File("straight"), "--generations", "20");
        ArchiveSnapshotMessage expected = RunTestSupport.Snapshot(straight);
        ArchiveSnapshotMessage actual = RunTestSupport.Snapshot(resumed);
        Assert.Equal(21, actual.Generation);
        RunTestSupport.AssertSameSearchState(expected, actual);
        List<GenerationRecord> straightHistory = RunTestSupport.History(straight, 20);
        Assert.Equal(straightHistory.Select(r => r.Evaluations), history.Select(r => r.Evaluations));
        Assert.Equal(straightHistory.Select(r => r.CellConfidences), history.Select(r => r.CellConfidences));

        // found.bin continues too: the same images in the same order.
        byte[] found = File.ReadAllBytes(Path.Combine(straight, RunFiles.Found));
        Assert.True(found.Length > 20, "the uninterrupted run recorded no image at 50%; the comparison would prove nothing");
        Assert.Equal(found, File.ReadAllBytes(Path.Combine(resumed, RunFiles.Found)));
    }

    [Fact]
    public void Resume_after_a_crash_redoes_the_generations_after_the_last_snapshot()
    {
        using var scratch = new TempDirectory();
        string config = RunTestSupport.WriteConfig(scratch, "search.json", "cppn", target.ModelPath, generations: 200, seed: 31, recordThreshold: 0.5);
        string run = RunTestSupport.RunOnOneThread(config, scratch.File("crashed"), "--generations", "8");
        string archive = Path.Combine(run, RunFiles.Archive);
        byte[] snapshotAt8 = File.ReadAllBytes(archive);
        RunTestSupport.ResumeOnOneThread(run, 14);

        // As if the process died after generation 14 had reached history.csv and found.bin
        // but before the snapshot after generation 8 was replaced.
        File.WriteAllBytes(archive, snapshotAt8);
        Assert.Equal(14, RunTestSupport.History(run, 14)[^1].Generation);
        RunTestSupport.ResumeOnOneThread(run, 20);

        string straight = RunTestSupport.RunOnOneThread(config, scratch.File("straight"), "--generations", "20");
        Assert.Equal(Enumerable.Range(0, 21), RunTestSupport.History(run, 20).Select(r => r.Generation));
        RunTestSupport.AssertSameSearchState(RunTestSupport.Snapshot(straight), RunTestSupport.Snapshot(run));
        Assert.Equal(
            RunTestSupport.History(straight, 20).Select(r => r.CellConfidences),
            RunTestSupport.History(run, 20).Select(r => r.CellConfidences));
        Assert.Equal(File.ReadAllBytes(Path.Combine(straight, RunFiles.Found)), File.ReadAllBytes(Path.Combine(run, RunFiles.Found)));
    }

    [Fact]
    public void Resume_to_fewer_generations_than_already_run_is_refused_and_leaves_the_run_as_it_was()
    {
        using var scratch = new TempDirectory();
        string config = RunTestSupport.WriteConfig(scratch, "search.json", "direct", target.ModelPath, generations: 6, seed: 61);
        string run = RunTestSupport.RunOnOneThread(config, scratch.File("runs"));
        string configCopy = File.ReadAllText(Path.Combine(run, RunFiles.Config));

        (int exit, _, string err) = RunTestSupport.Fooling("run", "--resume", run, "--generations", "3");
        Assert.True(exit == 2, $"exit {exit}: {err}");
        Assert.StartsWith("error: ", err, StringComparison.Ordinal);
        Assert.Contains("--generations 3", err);
        Assert.Contains("generation 6", err);
        Assert.Equal(configCopy, File.ReadAllText(Path.Combine(run, RunFiles.Config)));

        // Asking for the generation already reached is not an error: it rewrites the outputs.
        RunTestSupport.ResumeOnOneThread(run, 6);
        Assert.Equal(Enumerable.Range(0, 7), RunTestSupport.History(run, 6).Select(r => r.Generation));
    }

    [Fact]
    public void Resume_with_a_damaged_journal_or_a_missing_or_broken_snapshot_is_refused_with_the_file_named()
    {
        using var scratch = new TempDirectory();
        string config = RunTestSupport.WriteConfig(scratch, "search.json", "direct", target.ModelPath, generations: 2, seed: 51);
        string run = RunTestSupport.RunOnOneThread(config, scratch.File("runs"));
        string archive = Path.Combine(run, RunFiles.Archive);
        string journal = Path.Combine(run, RunFiles.Store);

        byte[] database = File.ReadAllBytes(journal);
        File.WriteAllBytes(journal, [.. Enumerable.Repeat((byte)0xAB, 4096)]);
        (int exit, _, string err) = RunTestSupport.Fooling("run", "--resume", run, "--generations", "4");
        Assert.True(exit == 2, err);
        Assert.Contains($"{journal} is not a SQLite database", err);
        Assert.DoesNotContain("   at ", err);
        File.WriteAllBytes(journal, database);

        // A run folder from before journal.db keeps its state in archive.pb.
        File.Delete(journal);
        File.WriteAllBytes(archive, [0xFF, 0xFF, 0xFF, 0x07, 0x01]);
        (exit, _, err) = RunTestSupport.Fooling("run", "--resume", run, "--generations", "4");
        Assert.True(exit == 2, err);
        Assert.Contains(archive, err);
        Assert.Contains("not a readable archive snapshot", err);
        Assert.DoesNotContain("   at ", err);

        File.Delete(archive);
        (exit, _, err) = RunTestSupport.Fooling("run", "--resume", run, "--generations", "4");
        Assert.True(exit == 2, err);
        Assert.Contains(archive, err);
        Assert.DoesNotContain("   at ", err);
    }

    [Fact]
    public void Resume_against_a_journal_that_is_not_the_runs_is_refused_naming_the_right_one()
    {
        using var scratch = new TempDirectory();
        string config = RunTestSupport.WriteConfig(scratch, "search.json", "direct", target.ModelPath, generations: 2, seed: 52);
        string run = RunTestSupport.RunOnOneThread(config, scratch.File("runs"));

        // A run journaled in PostgreSQL, resumed without --journal, would find nothing in the
        // folder's journal.db and start again from its last snapshot.
        const string Journal = "postgres://fooling@10.0.0.9:5432/fooling";
        File.WriteAllText(Path.Combine(run, RunFiles.JournalLocation), Journal + "\n");
        foreach (string command in new[] { "run", "coordinator" })
        {
            (int exit, _, string err) = RunTestSupport.Fooling(command, "--resume", run, "--generations", "4");
            Assert.True(exit == 2, err);
            Assert.Contains($"{run} keeps its journal in {Journal}: resume it with ./fooling coordinator --resume {run} --journal {Journal}", err);
        }

        // The folder's own journal.db holds the run: a --journal elsewhere is refused before it is reached.
        File.Delete(Path.Combine(run, RunFiles.JournalLocation));
        (int refused, _, string why) = RunTestSupport.Fooling("coordinator", "--resume", run, "--journal", "postgres://fooling@127.0.0.1:1/elsewhere", "--generations", "4");
        Assert.True(refused == 2, why);
        Assert.Contains($"{run} keeps its journal in its own {RunFiles.Store}, not in PostgreSQL database elsewhere on 127.0.0.1:1: resume it without --journal", why);
        Assert.DoesNotContain("   at ", why);
        Assert.Equal(3, RunTestSupport.Snapshot(run).Generation);
    }
}
