using FoolingCluster.Tests.Shared;
using Xunit;

namespace FoolingCluster.Cli.Tests;

/// <summary>
/// <c>fooling retrain --cluster</c> with a worker process: every search of the loop runs on the
/// worker, which fetches each network the loop trains (a new model, by its hash) as its search
/// starts, joining the loop's next coordinator node by itself.
/// </summary>
[Collection(RunTestGroup.Name)]
public sealed class RetrainOverClusterTests : IDisposable
{
    private readonly LocalCluster _cluster = new();
    private readonly TempDirectory _scratch;

    public RetrainOverClusterTests()
    {
        _scratch = _cluster.Scratch;
    }

    public void Dispose() => _cluster.Dispose();

    [Fact]
    public void Each_network_of_the_loop_is_searched_on_the_worker_which_fetches_it()
    {
        string config = RetrainCommandTests.WriteConfigs(_scratch, iterations: 1, generations: 8);
        FoolingProcess loop = _cluster.Start(null, "retrain", "--config", config, "--runs", _scratch.File("runs"), "--cluster", _cluster.Address, "--listen", "127.0.0.1:0", "--threads", "1");
        FoolingProcess worker = _cluster.Worker("w1");

        _cluster.AssertSucceeds(loop);
        string run = RunTestSupport.SingleRunFolder(_scratch.File("runs"));
        Assert.Equal(3, File.ReadAllLines(Path.Combine(run, "retrain.csv")).Length);
        for (int k = 1; k <= 2; k++)
        {
            Assert.True(File.Exists(Path.Combine(run, $"network-{k:D2}", "search", "elites.png")), $"network {k} has no search\n{_cluster.Output}");
        }

        // Two networks, two models fetched: the worker ran both searches.
        string[] fetched = [.. worker.Output.Split('\n').Where(line => line.Contains("fetched model ", StringComparison.Ordinal)).Select(line => line.Split("fetched model ")[1].Split(' ')[0]).Distinct()];
        Assert.True(fetched.Length == 2, $"the worker fetched {fetched.Length} distinct models\n{_cluster.Output}");
    }
}
