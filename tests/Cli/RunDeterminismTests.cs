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
}
