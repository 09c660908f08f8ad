using FoolingCluster.Models.Checkpoints;
using FoolingCluster.Models.Import.Onnx.Export;
using FoolingCluster.Protocol;
using FoolingCluster.Tests.Shared;
using Xunit;

namespace FoolingCluster.Cli.Tests;

/// <summary>
/// An ONNX target with a coordinator and a worker as separate processes in a cluster on 127.0.0.1: the worker fetches the <c>.onnx</c> file by its hash, runs
/// it with the backend the coordinator chose, and the run ends as it does in one process; a
/// robustness evaluation of an ONNX model sharded over a worker gives the local table.
/// </summary>
[Collection(RunTestGroup.Name)]
public sealed class OnnxOverClusterTests : IDisposable
{
    private readonly TargetModelFixture _target;
    private readonly LocalCluster _cluster = new();
    private readonly TempDirectory _scratch;

    public OnnxOverClusterTests(TargetModelFixture target)
    {
        _target = target;
        _scratch = _cluster.Scratch;
    }

    public void Dispose() => _cluster.Dispose();

    [Fact]
    public void A_search_against_an_onnx_model_runs_on_a_worker_process_that_fetches_the_onnx_file_by_hash_and_ends_as_in_process()
    {
        string onnx = OnnxLeNet();
        // A fixed job size and one kernel thread everywhere, so the worker computes what the single process does.
        string config = RunTestSupport.WriteConfig(_scratch, "search.json", "cppn", onnx, generations: 4, seed: 61, initialPopulation: 40, batchSize: 80, jobSize: 40);
        FoolingProcess worker = _cluster.Worker("w1");

        string run = Coordinate(config);

        Assert.Equal(File.ReadAllBytes(onnx), File.ReadAllBytes(Path.Combine(run, "model.onnx")));
        string cached = Path.Combine(_scratch.File("cache-w1"), $"{ContentHash.OfFile(onnx)}.onnx");
        Assert.True(File.Exists(cached), $"the worker kept no {cached}\n{_cluster.Output}");
        Assert.Equal(File.ReadAllBytes(onnx), File.ReadAllBytes(cached));
        Assert.Contains("fetched model", worker.Output);
        Assert.Contains("imported into the engine", worker.Output);
        string straight = RunTestSupport.RunOnOneThread(config, _scratch.File("straight"));
        RunTestSupport.AssertSameSearchState(RunTestSupport.Snapshot(straight), RunTestSupport.Snapshot(run));
    }

    [Fact]
    public void With_the_onnxruntime_backend_the_worker_runs_the_model_on_onnx_runtime_even_after_an_engine_run_of_the_same_file()
    {
        string onnx = OnnxLeNet();
        FoolingProcess worker = _cluster.Worker("w1");
        // The same file searched first on the engine: the worker keeps it, under the same hash, from that run.
        string engine = RunTestSupport.WriteConfig(_scratch, "engine.json", "direct", onnx, generations: 1, seed: 62, initialPopulation: 40, batchSize: 40, jobSize: 40);
        Coordinate(engine, "engine-runs");

        string config = RunTestSupport.WriteConfig(_scratch, "search.json", "cppn", onnx, generations: 4, seed: 63, initialPopulation: 40, batchSize: 80, jobSize: 40);
        string run = Coordinate(config, "runs", "--backend", "onnxruntime");

        Assert.Contains("\"architecture\": \"onnxruntime\"", File.ReadAllText(Path.Combine(run, "model.json")));
        Assert.Contains("run by ONNX Runtime", worker.Output);
        string straight = RunTestSupport.RunOnOneThread(config, _scratch.File("straight"), "--backend", "onnxruntime");
        RunTestSupport.AssertSameSearchState(RunTestSupport.Snapshot(straight), RunTestSupport.Snapshot(run));
    }

    [Fact]
    public void Eval_robustness_of_an_onnx_model_sharded_over_a_worker_process_matches_the_local_table()
    {
        string onnx = OnnxLeNet();
        _cluster.Worker("w1");
        string[] evaluation = ["eval-robustness", "--model", onnx, "--n", "20", "--norms", "linf", "--attacks", "deepfool,fgsm", "--data", CliHarness.Mnist];

        FoolingProcess sharded = _cluster.Start(null, [.. evaluation, "--cluster", _cluster.Address, "--slice", "10", "--listen", "127.0.0.1:0", "--runs", _scratch.File("sharded")]);

        _cluster.AssertSucceeds(sharded);
        Assert.Contains("[2/2] slice from worker w1", sharded.Output);
        Assert.True(File.Exists(Path.Combine(_scratch.File("cache-w1"), $"{ContentHash.OfFile(onnx)}.onnx")), _cluster.Output);
        (int exit, _, string err) = RunTestSupport.Fooling([.. evaluation, "--runs", _scratch.File("local")]);
        Assert.True(exit == 0, err);

        RobustnessTables.AssertSame(RunTestSupport.SingleRunFolder(_scratch.File("local")), RunTestSupport.SingleRunFolder(_scratch.File("sharded")));
    }

    /// <summary>The shared target LeNet written as ONNX.</summary>
    private string OnnxLeNet()
    {
        string path = _scratch.File("lenet.onnx");
        OnnxExporter.Write(ModelCheckpoint.Load(_target.ModelPath).Model, path);
        return path;
    }

    /// <summary>Runs a coordinator process on <paramref name="config"/> to its end; returns its run folder.</summary>
    private string Coordinate(string config, string runs = "runs", params string[] extra)
    {
        _cluster.AssertSucceeds(_cluster.Coordinator([config, "--runs", _scratch.File(runs), .. extra]));
        string run = RunTestSupport.SingleRunFolder(_scratch.File(runs));
        Assert.DoesNotContain("refused a result", File.ReadAllText(Path.Combine(run, "log.txt")));
        return run;
    }
}
