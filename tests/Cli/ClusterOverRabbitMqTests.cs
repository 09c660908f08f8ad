using System.Diagnostics;
using System.Text;
using FoolingCluster.Evolution.Runs;
using FoolingCluster.Models.Abs;
using FoolingCluster.Models.Checkpoints;
using FoolingCluster.Protocol.Messages;
using FoolingCluster.Protocol.Tests;
using FoolingCluster.Tests.Shared;
using Xunit;

namespace FoolingCluster.Cli.Tests;

/// <summary>
/// A coordinator and two worker processes over a real RabbitMQ server (started privately on
/// 127.0.0.1): the run finishes as the embedded one does, and survives losing a worker mid-run.
/// </summary>
[Collection(RunTestGroup.Name)]
public sealed class ClusterOverRabbitMqTests(TargetModelFixture target, RabbitMqBroker broker) : IClassFixture<RabbitMqBroker>, IDisposable
{
    private readonly TempDirectory _scratch = new();
    private readonly List<Process> _workers = [];

    public void Dispose()
    {
        foreach (Process worker in _workers)
        {
            if (!worker.HasExited)
            {
                worker.Kill(entireProcessTree: true);
                worker.WaitForExit();
            }

            worker.Dispose();
        }

        _scratch.Dispose();
    }

    [RabbitMqFact]
    public void A_coordinator_with_two_worker_processes_finishes_the_run_and_both_workers_contribute()
    {
        RabbitMqBroker broker = Broker();
        string prefix = $"t{Guid.NewGuid():N}.";
        string config = RunTestSupport.WriteConfig(_scratch, "search.json", "cppn", target.ModelPath, generations: 25, seed: 51, initialPopulation: 40, batchSize: 80);
        StartWorker(broker, prefix, "w1");
        StartWorker(broker, prefix, "w2");

        (int exit, string output, string err) = RunTestSupport.Fooling("coordinator", config, "--broker", broker.Uri.ToString(), "--prefix", prefix, "--listen", "127.0.0.1:0", "--runs", _scratch.File("runs"));

        Assert.True(exit == 0, $"{err}\n{output}\n{WorkerOutput()}");
        string run = RunTestSupport.SingleRunFolder(_scratch.File("runs"));
        ArchiveSnapshotMessage snapshot = RunTestSupport.Snapshot(run);
        Assert.Equal(26, snapshot.Generation);
        Assert.Equal(40 + (25 * 80), snapshot.Evaluations);
        Assert.Equal(10, snapshot.Elites.Count);
        string log = File.ReadAllText(Path.Combine(run, "log.txt"));
        Assert.DoesNotContain("refused a result", log);
        Assert.Contains("fetched model", WorkerOutput("w1"));
        Assert.Contains("fetched model", WorkerOutput("w2"));
    }

    [RabbitMqFact]
    public void A_worker_killed_mid_run_has_its_jobs_redelivered_and_the_run_finishes()
    {
        RabbitMqBroker broker = Broker();
        string prefix = $"t{Guid.NewGuid():N}.";
        string config = RunTestSupport.WriteConfig(_scratch, "search.json", "direct", target.ModelPath, generations: 40, seed: 52, initialPopulation: 40, batchSize: 80);
        Process doomed = StartWorker(broker, prefix, "doomed");
        StartWorker(broker, prefix, "survivor");
        string runs = _scratch.File("runs");

        Task<(int, string, string)> coordinator = Task.Run(() => RunTestSupport.Fooling("coordinator", config, "--broker", broker.Uri.ToString(), "--prefix", prefix, "--listen", "127.0.0.1:0", "--runs", runs));
        WaitUntil(() => Directory.Exists(runs) && Directory.GetDirectories(runs).Length == 1 && RunTestSupport.History(Directory.GetDirectories(runs)[0], 40).Count >= 5, TimeSpan.FromSeconds(120), "the run did not reach generation 4");
        doomed.Kill(entireProcessTree: true);
        doomed.WaitForExit();

        (int exit, string output, string err) = coordinator.Wait(TimeSpan.FromSeconds(180)) ? coordinator.Result : throw new TimeoutException($"the coordinator did not finish after the worker was killed\n{WorkerOutput()}");
        Assert.True(exit == 0, $"{err}\n{output}");
        ArchiveSnapshotMessage snapshot = RunTestSupport.Snapshot(RunTestSupport.SingleRunFolder(runs));
        Assert.Equal(41, snapshot.Generation);
        Assert.Equal(40 + (40 * 80), snapshot.Evaluations);
    }

    [RabbitMqFact]
    public void A_killed_coordinator_resumes_from_snapshot_and_journal_and_ends_as_an_uninterrupted_run()
    {
        RabbitMqBroker server = Broker();
        string prefix = $"t{Guid.NewGuid():N}.";
        const int Generations = 30;

        // Fixed job size and one kernel thread everywhere, so every process computes the same
        // numbers as the uninterrupted embedded run it is compared with.
        string endless = RunTestSupport.WriteConfig(_scratch, "endless.json", "cppn", target.ModelPath, generations: 1_000_000, seed: 53, initialPopulation: 40, batchSize: 80, snapshotEvery: 4, jobSize: 40);
        string config = RunTestSupport.WriteConfig(_scratch, "search.json", "cppn", target.ModelPath, generations: Generations, seed: 53, initialPopulation: 40, batchSize: 80, snapshotEvery: 4, jobSize: 40);
        StartWorker(server, prefix, "w1");
        StartWorker(server, prefix, "w2");
        string runs = _scratch.File("runs");
        Process coordinator = Start("coordinator", "coordinator", endless, "--broker", server.Uri.ToString(), "--prefix", prefix, "--listen", "127.0.0.1:0", "--runs", runs, "--threads", "1");
        WaitUntil(() => Directory.Exists(runs) && Directory.GetDirectories(runs).Length == 1 && RunTestSupport.History(Directory.GetDirectories(runs)[0], Generations).Count >= 7, TimeSpan.FromSeconds(120), "the coordinator did not reach generation 6");
        coordinator.Kill(entireProcessTree: true);
        coordinator.WaitForExit();
        string run = RunTestSupport.SingleRunFolder(runs);
        Assert.True(RunTestSupport.History(run, Generations).Count < Generations, "the coordinator got too far before the kill");

        (int exit, string output, string err) = RunTestSupport.Fooling("coordinator", "--resume", run, "--generations", $"{Generations}", "--broker", server.Uri.ToString(), "--prefix", prefix, "--listen", "127.0.0.1:0", "--threads", "1");
        Assert.True(exit == 0, $"{err}\n{output}\n{WorkerOutput()}");

        string straight = RunTestSupport.RunOnOneThread(config, _scratch.File("straight"));
        RunTestSupport.AssertSameSearchState(RunTestSupport.Snapshot(straight), RunTestSupport.Snapshot(run));
        Assert.Equal(Enumerable.Range(0, Generations + 1), RunTestSupport.History(run, Generations).Select(r => r.Generation));
    }

    [RabbitMqFact]
    public async Task A_broker_restart_mid_run_is_survived_by_coordinator_and_workers()
    {
        RabbitMqBroker server = Broker();
        string prefix = $"t{Guid.NewGuid():N}.";
        string config = RunTestSupport.WriteConfig(_scratch, "search.json", "cppn", target.ModelPath, generations: 300, seed: 54, initialPopulation: 40, batchSize: 80);
        StartWorker(server, prefix, "w1");
        StartWorker(server, prefix, "w2");
        string runs = _scratch.File("runs");
        Task<(int, string, string)> coordinator = Task.Run(() => RunTestSupport.Fooling("coordinator", config, "--broker", server.Uri.ToString(), "--prefix", prefix, "--listen", "127.0.0.1:0", "--runs", runs));
        WaitUntil(() => Directory.Exists(runs) && Directory.GetDirectories(runs).Length == 1 && RunTestSupport.History(Directory.GetDirectories(runs)[0], 300).Count >= 4, TimeSpan.FromSeconds(120), "the run did not reach generation 3");
        Assert.False(coordinator.IsCompleted, "the run ended before the broker could be restarted under it");

        await server.StopAsync();
        int generationAtStop = RunTestSupport.History(RunTestSupport.SingleRunFolder(runs), 300).Count - 1;
        await Task.Delay(TimeSpan.FromSeconds(2));
        await server.StartAsync();

        Assert.True(coordinator.Wait(TimeSpan.FromSeconds(240)), $"the run did not finish after the broker restarted\n{WorkerOutput()}");
        (int exit, string output, string err) = coordinator.Result;
        Assert.True(exit == 0, $"{err}\n{output}\n{WorkerOutput()}");
        ArchiveSnapshotMessage snapshot = RunTestSupport.Snapshot(RunTestSupport.SingleRunFolder(runs));
        Assert.Equal(301, snapshot.Generation);
        Assert.Equal(40 + (300 * 80), snapshot.Evaluations);
        Assert.True(generationAtStop < 300, $"the run had finished (generation {generationAtStop}) when the broker stopped");
    }

    [RabbitMqFact]
    public void Eval_robustness_shards_its_images_over_two_worker_processes_and_matches_the_local_table()
    {
        RabbitMqBroker broker = Broker();
        string prefix = $"t{Guid.NewGuid():N}.";
        StartWorker(broker, prefix, "w1");
        StartWorker(broker, prefix, "w2");
        string[] evaluation = ["eval-robustness", "--model", target.ModelPath, "--n", "30", "--norms", "l2,linf", "--attacks", "deepfool,fgm,fgsm", "--data", CliHarness.Mnist];

        (int exit, string output, string err) = RunTestSupport.Fooling([.. evaluation, "--broker", broker.Uri.ToString(), "--prefix", prefix, "--slice", "10", "--runs", _scratch.File("sharded")]);
        Assert.True(exit == 0, $"{err}\n{output}\n{WorkerOutput()}");
        Assert.Contains("[3/3] slice from worker", output);
        Assert.Contains("fetched model", WorkerOutput());
        (exit, _, err) = RunTestSupport.Fooling([.. evaluation, "--runs", _scratch.File("local")]);
        Assert.True(exit == 0, err);

        string[] sharded = File.ReadAllLines(Path.Combine(RunTestSupport.SingleRunFolder(_scratch.File("sharded")), "robustness.csv"));
        string[] local = File.ReadAllLines(Path.Combine(RunTestSupport.SingleRunFolder(_scratch.File("local")), "robustness.csv"));
        Assert.Equal(local.Length, sharded.Length);
        Assert.Equal(local[0], sharded[0]);
        int[] smallest = [.. local[0].Split(',').Select((name, i) => (name, i)).Where(c => c.name.EndsWith("_smallest", StringComparison.Ordinal)).Select(c => c.i)];
        for (int row = 1; row < local.Length; row++)
        {
            string[] a = local[row].Split(',');
            string[] b = sharded[row].Split(',');
            Assert.Equal(a[..3], b[..3]);
            foreach (int c in smallest)
            {
                double x = double.Parse(a[c], System.Globalization.CultureInfo.InvariantCulture);
                double y = double.Parse(b[c], System.Globalization.CultureInfo.InvariantCulture);
                Assert.True(Math.Abs(x - y) <= 1e-3 * Math.Max(1, x), $"row {row} column {c}: {x} here, {y} on the workers");
            }
        }
    }

    [RabbitMqFact]
    public void Abs_train_on_two_worker_processes_writes_the_vaes_local_training_writes_and_records_the_workers()
    {
        RabbitMqBroker server = Broker();
        string prefix = $"t{Guid.NewGuid():N}.";
        StartWorker(server, prefix, "w1");
        StartWorker(server, prefix, "w2");
        string[] training = ["abs", "train", "--epochs", "1", "--train-subset", "300", "--batch-size", "16", "--seed", "5", "--data", CliHarness.Mnist, "--runs", _scratch.File("runs")];

        (int exit, string output, string err) = RunTestSupport.Fooling([.. training, "--out", _scratch.File("cluster"), "--broker", server.Uri.ToString(), "--prefix", prefix]);
        Assert.True(exit == 0, $"{err}\n{output}\n{WorkerOutput()}");
        Assert.Contains($"start workers with: ./fooling worker --broker {server.Uri.ToString().Replace("guest:guest", "guest", StringComparison.Ordinal)} --prefix {prefix} --threads 1", output);
        Assert.Contains("[10/10] class", output);
        (exit, _, err) = RunTestSupport.Fooling([.. training, "--out", _scratch.File("local")]);
        Assert.True(exit == 0, err);

        // Workers on one kernel thread train as the local default does (one VAE per core, one thread each): the same bytes.
        for (int c = 0; c < 10; c++)
        {
            Assert.True(
                File.ReadAllBytes(AbsCheckpoint.VaePath(_scratch.File("local"), c)).AsSpan().SequenceEqual(File.ReadAllBytes(AbsCheckpoint.VaePath(_scratch.File("cluster"), c))),
                $"vae-{c}.safetensors differs between local and worker training");
        }

        string method = ModelSidecar.Load(Path.Combine(_scratch.File("cluster"), AbsCheckpoint.SidecarName)).Training!.Method!;
        Assert.Contains("trained on cluster workers", method, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_scratch.File("cluster"), AbsCheckpoint.BinarySidecarName)));
        Assert.DoesNotContain("refused", output, StringComparison.Ordinal);
    }

    [RabbitMqFact]
    public void A_search_against_abs_runs_on_a_worker_process_that_fetches_the_packed_model()
    {
        RabbitMqBroker broker = Broker();
        string prefix = $"t{Guid.NewGuid():N}.";
        string folder = _scratch.File("abs");
        for (int c = 0; c < AbsModel.Classes; c++)
        {
            AbsCheckpoint.SaveVae(folder, c, new ClassVae(seed: c), epochs: 1);
        }

        AbsCheckpoint.SaveSidecars(folder, new AbsTrainingConfig { Epochs = 1 }, new AbsSettings { Samples = 100, Steps = 2 });
        string config = RunTestSupport.WriteConfig(_scratch, "abs-search.json", "cppn", folder, generations: 3, seed: 52, initialPopulation: 20, batchSize: 40);
        StartWorker(broker, prefix, "w1");

        (int exit, string output, string err) = RunTestSupport.Fooling("coordinator", config, "--broker", broker.Uri.ToString(), "--prefix", prefix, "--listen", "127.0.0.1:0", "--runs", _scratch.File("runs"));

        Assert.True(exit == 0, $"{err}\n{output}\n{WorkerOutput()}");
        string run = RunTestSupport.SingleRunFolder(_scratch.File("runs"));
        Assert.Equal(4, RunTestSupport.Snapshot(run).Generation);
        Assert.IsType<AbsModel>(ModelCheckpoint.Load(Path.Combine(run, "model.safetensors")).Model);
        Assert.DoesNotContain("refused a result", File.ReadAllText(Path.Combine(run, "log.txt")));
        Assert.Contains("fetched model", WorkerOutput("w1"));
    }

    private RabbitMqBroker Broker() => broker;

    private Process StartWorker(RabbitMqBroker server, string prefix, string id) =>
        Start(id, "worker", "--broker", server.Uri.ToString(), "--prefix", prefix, "--threads", "1", "--id", id, "--cache", _scratch.File($"cache-{id}"));

    /// <summary>Starts the built command with <paramref name="args"/>; its output is kept under <paramref name="id"/>.</summary>
    private Process Start(string id, params string[] args)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "fooling.dll");
        Assert.True(File.Exists(dll), $"the built command is not next to the test assembly ({dll})");
        var start = new ProcessStartInfo { FileName = DotnetHost(), RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start a worker");
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _outputs[id] = output;
        _workers.Add(process);
        return process;
    }

    private readonly Dictionary<string, StringBuilder> _outputs = [];

    private string WorkerOutput(string? id = null)
    {
        IEnumerable<KeyValuePair<string, StringBuilder>> which = id is null ? _outputs : _outputs.Where(o => o.Key == id);
        return string.Join("\n", which.Select(o => { lock (o.Value) { return $"[{o.Key}]\n{o.Value}"; } }));
    }

    private static void WaitUntil(Func<bool> condition, TimeSpan timeout, string failure)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < timeout, failure);
            Thread.Sleep(100);
        }
    }

    private static string DotnetHost() =>
        Environment.ProcessPath is string self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self
        : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
}
