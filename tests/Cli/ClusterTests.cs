using FoolingCluster.Models.Abs;
using FoolingCluster.Models.Checkpoints;
using FoolingCluster.Protocol.Messages;
using FoolingCluster.Tests.Shared;
using Xunit;

namespace FoolingCluster.Cli.Tests;

/// <summary>
/// A coordinating command and worker processes joined in a cluster on 127.0.0.1: a search, a
/// sharded robustness evaluation and ABS training finish as they do in one process, and every
/// worker gets work. The fault cases are in <see cref="ClusterFaultTests"/>.
/// </summary>
[Collection(RunTestGroup.Name)]
public sealed class ClusterTests : IDisposable
{
    private readonly TargetModelFixture _target;
    private readonly LocalCluster _cluster = new();
    private readonly TempDirectory _scratch;

    public ClusterTests(TargetModelFixture target)
    {
        _target = target;
        _scratch = _cluster.Scratch;
    }

    public void Dispose() => _cluster.Dispose();

    [Fact]
    public void A_coordinator_with_two_worker_processes_finishes_the_run_and_both_workers_contribute()
    {
        string config = RunTestSupport.WriteConfig(_scratch, "search.json", "cppn", _target.ModelPath, generations: 25, seed: 51, initialPopulation: 40, batchSize: 80);
        // The run waits for both: a short run could otherwise end before the second one joins.
        FoolingProcess coordinator = _cluster.Coordinator(config, "--runs", _scratch.File("runs"), "--wait-for-workers", "2");
        FoolingProcess w1 = _cluster.Worker("w1");
        FoolingProcess w2 = _cluster.Worker("w2");

        _cluster.AssertSucceeds(coordinator);
        Assert.Contains("2 of 2 workers are in the cluster; starting", coordinator.Output);

        string run = RunTestSupport.SingleRunFolder(_scratch.File("runs"));
        ArchiveSnapshotMessage snapshot = RunTestSupport.Snapshot(run);
        Assert.Equal(26, snapshot.Generation);
        Assert.Equal(40 + (25 * 80), snapshot.Evaluations);
        Assert.Equal(10, snapshot.Elites.Count);
        Assert.DoesNotContain("refused a result", File.ReadAllText(Path.Combine(run, "log.txt")));
        Assert.Contains($"start them with: ./fooling worker --join {_cluster.Address}", coordinator.Output);
        Assert.Contains("fetched model", w1.Output);
        Assert.Contains("fetched model", w2.Output);
    }

    [Fact]
    public void Eval_robustness_shards_its_images_over_two_worker_processes_and_matches_the_local_table()
    {
        string[] evaluation = ["eval-robustness", "--model", _target.ModelPath, "--n", "30", "--norms", "l2,linf", "--attacks", "deepfool,fgm,fgsm", "--data", CliHarness.Mnist];
        FoolingProcess sharded = _cluster.Start(null, [.. evaluation, "--cluster", _cluster.Address, "--slice", "10", "--runs", _scratch.File("sharded")]);
        _cluster.Worker("w1");
        _cluster.Worker("w2");

        _cluster.AssertSucceeds(sharded);
        Assert.Contains("[3/3] slice from worker", sharded.Output);
        Assert.Contains("fetched model", _cluster.Output);
        (int exit, _, string err) = RunTestSupport.Fooling([.. evaluation, "--runs", _scratch.File("local")]);
        Assert.True(exit == 0, err);

        RobustnessTables.AssertSame(RunTestSupport.SingleRunFolder(_scratch.File("local")), RunTestSupport.SingleRunFolder(_scratch.File("sharded")));
    }

    [Fact]
    public void Abs_train_on_two_worker_processes_writes_the_vaes_local_training_writes_and_records_the_workers()
    {
        string[] training = ["abs", "train", "--epochs", "1", "--train-subset", "300", "--batch-size", "16", "--seed", "5", "--data", CliHarness.Mnist, "--runs", _scratch.File("runs")];
        FoolingProcess cluster = _cluster.Start(null, [.. training, "--out", _scratch.File("cluster"), "--cluster", _cluster.Address]);
        _cluster.Worker("w1");
        _cluster.Worker("w2");

        _cluster.AssertSucceeds(cluster);
        Assert.Contains($"start workers with: ./fooling worker --join {_cluster.Address} --threads 1", cluster.Output);
        Assert.Contains("[10/10] class", cluster.Output);
        Assert.DoesNotContain("refused", cluster.Output, StringComparison.Ordinal);
        (int exit, _, string err) = RunTestSupport.Fooling([.. training, "--out", _scratch.File("local")]);
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
    }

    [Fact]
    public void A_search_against_abs_runs_on_a_worker_process_that_fetches_the_packed_model()
    {
        string folder = _scratch.File("abs");
        for (int c = 0; c < AbsModel.Classes; c++)
        {
            AbsCheckpoint.SaveVae(folder, c, new ClassVae(seed: c), epochs: 1);
        }

        AbsCheckpoint.SaveSidecars(folder, new AbsTrainingConfig { Epochs = 1 }, new AbsSettings { Samples = 100, Steps = 2 });
        string config = RunTestSupport.WriteConfig(_scratch, "abs-search.json", "cppn", folder, generations: 3, seed: 52, initialPopulation: 20, batchSize: 40);
        FoolingProcess coordinator = _cluster.Coordinator(config, "--runs", _scratch.File("runs"));
        FoolingProcess worker = _cluster.Worker("w1");

        _cluster.AssertSucceeds(coordinator);

        string run = RunTestSupport.SingleRunFolder(_scratch.File("runs"));
        Assert.Equal(4, RunTestSupport.Snapshot(run).Generation);
        Assert.IsType<AbsModel>(ModelCheckpoint.Load(Path.Combine(run, "model.safetensors")).Model);
        Assert.DoesNotContain("refused a result", File.ReadAllText(Path.Combine(run, "log.txt")));
        Assert.Contains("fetched model", worker.Output);
    }
}
