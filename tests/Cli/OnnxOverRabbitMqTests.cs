using System.Globalization;
using FoolingCluster.Models.Checkpoints;
using FoolingCluster.Models.Import.Onnx.Export;
using FoolingCluster.Protocol;
using FoolingCluster.Protocol.Tests;
using FoolingCluster.Tests.Shared;
using Xunit;

namespace FoolingCluster.Cli.Tests;

/// <summary>
/// An ONNX target over a real RabbitMQ server (started privately on 127.0.0.1) with a coordinator
/// and a worker as separate processes: the worker fetches the <c>.onnx</c> file by its hash, runs
/// it with the backend the coordinator chose, and the run ends as it does in one process; a
/// robustness evaluation of an ONNX model sharded over a worker gives the local table.
/// </summary>
[Collection(RunTestGroup.Name)]
public sealed class OnnxOverRabbitMqTests(TargetModelFixture target, RabbitMqBroker broker) : IClassFixture<RabbitMqBroker>, IDisposable
{
    private static readonly TimeSpan s_limit = TimeSpan.FromSeconds(240);
    private readonly TempDirectory _scratch = new();
    private readonly ChildProcesses _children = new();

    public void Dispose()
    {
        _children.Dispose();
        _scratch.Dispose();
    }

    [RabbitMqFact]
    public void A_search_against_an_onnx_model_runs_on_a_worker_process_that_fetches_the_onnx_file_by_hash_and_ends_as_in_process()
    {
        string onnx = OnnxLeNet();
        string prefix = $"t{Guid.NewGuid():N}.";
        // A fixed job size and one kernel thread everywhere, so the worker computes what the single process does.
        string config = RunTestSupport.WriteConfig(_scratch, "search.json", "cppn", onnx, generations: 4, seed: 61, initialPopulation: 40, batchSize: 80, jobSize: 40);
        StartWorker(prefix, "w1");

        string run = Coordinate("coordinator", config, prefix);

        Assert.Equal(File.ReadAllBytes(onnx), File.ReadAllBytes(Path.Combine(run, "model.onnx")));
        string cached = Path.Combine(_scratch.File("cache-w1"), $"{ContentHash.OfFile(onnx)}.onnx");
        Assert.True(File.Exists(cached), $"the worker kept no {cached}\n{_children.Output()}");
        Assert.Equal(File.ReadAllBytes(onnx), File.ReadAllBytes(cached));
        Assert.Contains("fetched model", _children.Output("w1"));
        Assert.Contains("imported into the engine", _children.Output("w1"));
        string straight = RunTestSupport.RunOnOneThread(config, _scratch.File("straight"));
        RunTestSupport.AssertSameSearchState(RunTestSupport.Snapshot(straight), RunTestSupport.Snapshot(run));
    }

    [RabbitMqFact]
    public void With_the_onnxruntime_backend_the_worker_runs_the_model_on_onnx_runtime_even_after_an_engine_run_of_the_same_file()
    {
        string onnx = OnnxLeNet();
        string prefix = $"t{Guid.NewGuid():N}.";
        StartWorker(prefix, "w1");
        // The same file searched first on the engine: the worker keeps it, under the same hash, from that run.
        string engine = RunTestSupport.WriteConfig(_scratch, "engine.json", "direct", onnx, generations: 1, seed: 62, initialPopulation: 40, batchSize: 40, jobSize: 40);
        Coordinate("engine", engine, prefix, "engine-runs");

        string config = RunTestSupport.WriteConfig(_scratch, "search.json", "cppn", onnx, generations: 4, seed: 63, initialPopulation: 40, batchSize: 80, jobSize: 40);
        string run = Coordinate("onnxruntime", config, prefix, "runs", "--backend", "onnxruntime");

        Assert.Contains("\"architecture\": \"onnxruntime\"", File.ReadAllText(Path.Combine(run, "model.json")));
        Assert.Contains("run by ONNX Runtime", _children.Output("w1"));
        string straight = RunTestSupport.RunOnOneThread(config, _scratch.File("straight"), "--backend", "onnxruntime");
        RunTestSupport.AssertSameSearchState(RunTestSupport.Snapshot(straight), RunTestSupport.Snapshot(run));
    }

    [RabbitMqFact]
    public void Eval_robustness_of_an_onnx_model_sharded_over_a_worker_process_matches_the_local_table()
    {
        string onnx = OnnxLeNet();
        string prefix = $"t{Guid.NewGuid():N}.";
        StartWorker(prefix, "w1");
        string[] evaluation = ["eval-robustness", "--model", onnx, "--n", "20", "--norms", "linf", "--attacks", "deepfool,fgsm", "--data", CliHarness.Mnist];

        (int exit, string output) = _children.Run("eval-robustness", s_limit, [.. evaluation, "--broker", broker.Uri.ToString(), "--prefix", prefix, "--slice", "10", "--listen", "127.0.0.1:0", "--runs", _scratch.File("sharded")]);
        Assert.True(exit == 0, _children.Output());
        Assert.Contains("[2/2] slice from worker w1", output);
        Assert.True(File.Exists(Path.Combine(_scratch.File("cache-w1"), $"{ContentHash.OfFile(onnx)}.onnx")), _children.Output());
        (exit, _, string err) = RunTestSupport.Fooling([.. evaluation, "--runs", _scratch.File("local")]);
        Assert.True(exit == 0, err);

        string[] sharded = File.ReadAllLines(Path.Combine(RunTestSupport.SingleRunFolder(_scratch.File("sharded")), "robustness.csv"));
        string[] local = File.ReadAllLines(Path.Combine(RunTestSupport.SingleRunFolder(_scratch.File("local")), "robustness.csv"));
        Assert.Equal(local.Length, sharded.Length);
        Assert.Equal(local[0], sharded[0]);
        int[] smallest = [.. local[0].Split(',').Select((name, i) => (name, i)).Where(c => c.name.EndsWith("_smallest", StringComparison.Ordinal)).Select(c => c.i)];
        Assert.NotEmpty(smallest);
        for (int row = 1; row < local.Length; row++)
        {
            string[] a = local[row].Split(',');
            string[] b = sharded[row].Split(',');
            Assert.Equal(a[..3], b[..3]);
            foreach (int c in smallest)
            {
                double x = double.Parse(a[c], CultureInfo.InvariantCulture);
                double y = double.Parse(b[c], CultureInfo.InvariantCulture);
                Assert.True(Math.Abs(x - y) <= 1e-3 * Math.Max(1, x), $"row {row} column {c}: {x} here, {y} on the worker");
            }
        }
    }

    /// <summary>The shared target LeNet written as ONNX.</summary>
    private string OnnxLeNet()
    {
        string path = _scratch.File("lenet.onnx");
        OnnxExporter.Write(ModelCheckpoint.Load(target.ModelPath).Model, path);
        return path;
    }

    /// <summary>Runs a coordinator process on <paramref name="config"/> to its end; returns its run folder.</summary>
    private string Coordinate(string id, string config, string prefix, string runs = "runs", params string[] extra)
    {
        (int exit, _) = _children.Run(id, s_limit, ["coordinator", config, "--broker", broker.Uri.ToString(), "--prefix", prefix, "--listen", "127.0.0.1:0", "--runs", _scratch.File(runs), "--threads", "1", .. extra]);
        Assert.True(exit == 0, _children.Output());
        string run = RunTestSupport.SingleRunFolder(_scratch.File(runs));
        Assert.DoesNotContain("refused a result", File.ReadAllText(Path.Combine(run, "log.txt")));
        return run;
    }

    private void StartWorker(string prefix, string id) =>
        _children.Start(id, "worker", "--broker", broker.Uri.ToString(), "--prefix", prefix, "--threads", "1", "--id", id, "--cache", _scratch.File($"cache-{id}"));
}
