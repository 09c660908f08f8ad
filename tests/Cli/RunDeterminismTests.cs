using FoolingCluster.Protocol.Messages;
using FoolingCluster.Tests.Shared;
using Xunit;

namespace FoolingCluster.Cli.Tests;

/// <summary>Equal seeds give equal searches on one thread.</summary>
[Collection(RunTestGroup.Name)]
public class RunDeterminismTests(TargetModelFixture target)
{
    [Theory]
    [InlineData("cppn")]
    [InlineData("direct")]
    public void Same_config_and_seed_on_one_thread_give_the_same_archive(string encoding)
    {
        using var scratch = new TempDirectory();
        string config = RunTestSupport.WriteConfig(scratch, "search.json", encoding, target.ModelPath, generations: 15, seed: 11);
        string first = RunTestSupport.RunOnOneThread(config, scratch.File("first"));
        string second = RunTestSupport.RunOnOneThread(config, scratch.File("second"));

        ArchiveSnapshotMessage a = RunTestSupport.Snapshot(first);
        ArchiveSnapshotMessage b = RunTestSupport.Snapshot(second);
        Assert.Equal(10, a.Elites.Count);
        RunTestSupport.AssertSameSearchState(a, b);
        Assert.Equal(
            RunTestSupport.History(first, 15).Select(r => r.CellConfidences),
            RunTestSupport.History(second, 15).Select(r => r.CellConfidences));

        // The seed is what makes them equal: another seed gives other elites.
        string other = RunTestSupport.RunOnOneThread(config, scratch.File("other"), "--seed", "12");
        ArchiveSnapshotMessage c = RunTestSupport.Snapshot(other);
        Assert.NotEqual(a.RandomState, c.RandomState);
        Assert.NotEqual(a.Elites.Select(e => e.Confidence), c.Elites.Select(e => e.Confidence));
    }

    [Fact]
    public void The_archive_does_not_depend_on_how_many_workers_share_a_generation()
    {
        // One worker evaluates each generation as one job of 100 children; three as jobs of 34, 34 and 32.
        using var scratch = new TempDirectory();
        string config = RunTestSupport.WriteConfig(scratch, "search.json", "cppn", target.ModelPath, generations: 12, seed: 13);
        string one = RunTestSupport.RunOnOneThread(config, scratch.File("one"));
        string three = RunTestSupport.RunOnOneThread(config, scratch.File("three"), "--workers", "3");

        ArchiveSnapshotMessage a = RunTestSupport.Snapshot(one);
        ArchiveSnapshotMessage b = RunTestSupport.Snapshot(three);
        Assert.Equal(10, a.Elites.Count);
        RunTestSupport.AssertSameSearchState(a, b);
    }
}
