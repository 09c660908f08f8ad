using System.Diagnostics;
using FoolingCluster.Runs;
using FoolingCluster.Tests.Shared;
using Xunit;

namespace FoolingCluster.Cli.Tests;

/// <summary>
/// Invocations that used to run (or fail only after connecting or training) and are now refused
/// before any work with exit code 2 and a message that names the option or file and what is allowed.
/// </summary>
[Collection(RunTestGroup.Name)]
public sealed class RefusedUpFrontTests(TargetModelFixture target)
{
    [Fact]
    public void Backend_onnxruntime_with_a_safetensors_model_is_refused_saying_it_applies_to_onnx_only()
    {
        using var scratch = new TempDirectory();

        (int exit, _, string err) = CliHarness.Run("eval-model", "--model", target.ModelPath, "--backend", "onnxruntime", "--n", "10", "--data", CliHarness.Mnist);
        Assert.Equal(2, exit);
        Assert.Contains("--backend onnxruntime applies only to an ONNX model (.onnx)", err);
        Assert.Contains(target.ModelPath, err);

        // A search's target that is missing is refused before it is trained, and no run folder is made.
        string config = RunTestSupport.WriteConfig(scratch, "search.json", "cppn", scratch.File("models/missing.safetensors"), generations: 1, seed: 4);
        (exit, _, err) = RunTestSupport.Fooling("run", config, "--backend", "onnxruntime", "--runs", scratch.File("runs"));
        Assert.Equal(2, exit);
        Assert.Contains("--backend onnxruntime applies only to an ONNX model", err);
        Assert.False(Directory.Exists(scratch.File("runs")));
    }

    [Fact]
    public void A_standby_coordinator_without_a_journal_both_coordinators_reach_is_refused()
    {
        using var scratch = new TempDirectory();

        (int exit, _, string err) = RunTestSupport.Fooling("coordinator", "--resume", scratch.File("runs/some-run"), "--join", "127.0.0.1:4053", "--cluster", "127.0.0.1:4054");

        Assert.Equal(2, exit);
        Assert.Contains("a standby coordinator (--join) takes the run over from a journal both coordinators reach: give the --journal postgres://USER@HOST:PORT/DATABASE the active coordinator uses", err);
    }

    [Fact]
    public void Backend_with_a_resumed_run_is_refused_since_the_runs_model_json_decides()
    {
        using var scratch = new TempDirectory();
        string config = RunTestSupport.WriteConfig(scratch, "search.json", "cppn", target.ModelPath, generations: 1, seed: 4);
        string run = RunTestSupport.RunOnOneThread(config, scratch.File("runs"));

        (int exit, _, string err) = RunTestSupport.Fooling("run", "--resume", run, "--generations", "2", "--backend", "engine");

        Assert.Equal(2, exit);
        Assert.Contains("and --backend cannot change a run being resumed", err);
        Assert.DoesNotContain(RunTestSupport.History(run, 2), r => r.Generation == 2);
    }

    [Theory]
    [InlineData("--attacks", "fgsm,,", "pgd")]
    [InlineData("--attacks", ",fgsm", "deepfool")]
    [InlineData("--norms", "l2,", "linf")]
    public void An_empty_entry_in_a_comma_list_is_refused_listing_the_valid_names(string option, string value, string listed)
    {
        using var scratch = new TempDirectory();

        (int exit, _, string err) = CliHarness.Run("eval-robustness", "--model", target.ModelPath, option, value, "--n", "5", "--data", CliHarness.Mnist, "--runs", scratch.File("runs"));

        Assert.Equal(2, exit);
        Assert.Contains($"{option} '{value}' has an empty entry", err);
        Assert.Contains(listed, err);
        Assert.False(Directory.Exists(scratch.File("runs")));
    }

    [Fact]
    public void An_empty_entry_in_transfer_attack_models_is_refused()
    {
        using var scratch = new TempDirectory();

        (int exit, _, string err) = CliHarness.Run("transfer-attack", "--models", $"{target.ModelPath},,{target.ModelPath}", "--attack", "fgsm", "--eps", "0.1", "--n", "5", "--out", scratch.File("out"), "--data", CliHarness.Mnist);

        Assert.Equal(2, exit);
        Assert.Contains("--models", err);
        Assert.Contains("has an empty entry", err);
    }

    [Fact]
    public void Robustness_table_of_a_folder_without_an_evaluation_says_there_is_nothing_to_tabulate()
    {
        using var scratch = new TempDirectory();
        Directory.CreateDirectory(scratch.File("empty"));
        Directory.CreateDirectory(scratch.File("stopped"));
        File.WriteAllText(scratch.File("stopped/robustness.csv"), "image,label,clean_correct\n");

        (int exit, _, string err) = CliHarness.Run("robustness-table", scratch.File("empty"));
        Assert.Equal(2, exit);
        Assert.Contains("nothing to tabulate", err);
        Assert.Contains("fooling eval-robustness", err);

        (exit, _, err) = CliHarness.Run("robustness-table", scratch.File("stopped"));
        Assert.Equal(2, exit);
        Assert.Contains("partial evaluation", err);
        Assert.Contains("nothing to tabulate", err);
    }

    [Theory]
    [InlineData("m.txt")]
    [InlineData("m.json")]
    [InlineData("m")]
    public void Train_refuses_an_out_that_is_not_safetensors_before_training(string file)
    {
        using var scratch = new TempDirectory();

        (int exit, string output, string err) = CliHarness.Run("train", "--model", "mlp", "--epochs", "1", "--train-subset", "100", "--data", CliHarness.Mnist, "--out", scratch.File(file), "--runs", scratch.File("runs"));

        Assert.Equal(2, exit);
        Assert.Contains($"--out {scratch.File(file)} must end in .safetensors", err);
        Assert.DoesNotContain("epoch", output);
        Assert.False(File.Exists(scratch.File(file)));
    }

    [Fact]
    public void Abs_train_refuses_beta_0_with_its_range()
    {
        using var scratch = new TempDirectory();

        (int exit, _, string err) = CliHarness.Run("abs", "train", "--beta", "0", "--epochs", "1", "--train-subset", "200", "--data", CliHarness.Mnist, "--out", scratch.File("abs"), "--runs", scratch.File("runs"));

        Assert.Equal(2, exit);
        Assert.Contains("beta must be positive and finite, in (0, ∞) (got 0)", err);
        Assert.False(Directory.Exists(scratch.File("abs")));
    }

    [Fact]
    public void A_sidecar_naming_a_class_twice_is_refused_naming_the_file_and_the_name()
    {
        using var scratch = new TempDirectory();
        string[] names = ColourModel.Names(6);
        names[4] = "goldfish";
        string model = ColourModel.Save(scratch, classes: 6, side: 8, names);
        string config = RunTestSupport.WriteConfig(scratch, "search.json", "cppn", model, generations: 1, seed: 4);

        (int exit, _, string err) = RunTestSupport.Fooling("run", config, "--runs", scratch.File("runs"), "--threads", "1");

        Assert.Equal(2, exit);
        Assert.Contains("colour.json", err);
        Assert.Contains("class_names holds \"goldfish\" more than once (classes 1 and 4)", err);
        Assert.False(Directory.Exists(scratch.File("runs")));
    }

    [Fact]
    public void Coordinator_resume_of_a_folder_without_a_snapshot_is_refused_before_its_cluster_node_starts()
    {
        using var scratch = new TempDirectory();
        string config = RunTestSupport.WriteConfig(scratch, "search.json", "cppn", target.ModelPath, generations: 1, seed: 4);
        string run = RunTestSupport.RunOnOneThread(config, scratch.File("runs"));
        File.Delete(Path.Combine(run, RunFiles.Archive));
        File.Delete(Path.Combine(run, RunFiles.Store));

        // Refused before the cluster node starts: the message names the missing snapshot, not the node's address.
        var clock = Stopwatch.StartNew();
        (int exit, _, string err) = CliHarness.Run("coordinator", "--resume", run, "--cluster", "127.0.0.1:1");

        Assert.Equal(2, exit);
        Assert.Contains($"--resume {run}: {Path.Combine(run, RunFiles.Archive)} does not exist", err);
        Assert.DoesNotContain("--cluster", err);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"refused after {clock.Elapsed}");
    }

    [Fact]
    public void A_negative_wait_for_workers_is_refused_naming_the_range()
    {
        using var scratch = new TempDirectory();
        string config = RunTestSupport.WriteConfig(scratch, "search.json", "cppn", target.ModelPath, generations: 1, seed: 4);

        (int exit, _, string err) = CliHarness.Run("coordinator", config, "--wait-for-workers", "-1", "--runs", scratch.File("runs"));

        Assert.Equal(2, exit);
        Assert.Contains("--wait-for-workers must be in [0, 10000] (got -1)", err);
        Assert.False(Directory.Exists(scratch.File("runs")));
    }
}
