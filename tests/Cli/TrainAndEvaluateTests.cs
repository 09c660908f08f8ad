using System.Globalization;
using FoolingCluster.Models.Checkpoints;
using FoolingCluster.Models.Data;
using FoolingCluster.Models.Training;
using FoolingCluster.Tests.Shared;
using Xunit;

namespace FoolingCluster.Cli.Tests;

public class TrainAndEvaluateTests
{
    [Fact]
    public void Train_writes_model_sidecar_and_run_folder_and_eval_model_reports_the_same_accuracy()
    {
        using var scratch = new TempDirectory();
        string model = scratch.File("models/mlp.safetensors");
        string runs = scratch.File("runs");
        (int exit, string output, string err) = CliHarness.Run(
            "train", "--model", "mlp", "--epochs", "1", "--train-subset", "2000", "--seed", "2",
            "--data", CliHarness.Mnist, "--out", model, "--runs", runs);
        Assert.True(exit == 0, err);
        Assert.Contains("epoch 1/1", output);
        Assert.True(File.Exists(model));
        Assert.True(File.Exists(ModelCheckpoint.SidecarPath(model)));
        string run = Assert.Single(Directory.GetDirectories(runs));
        Assert.True(File.Exists(Path.Combine(run, "log.txt")));
        Assert.True(File.Exists(Path.Combine(run, "config.json")));
        Assert.Equal(2, File.ReadAllLines(Path.Combine(run, "history.csv")).Length);

        // The accuracy the sidecar records is recomputed here from the saved weights.
        LoadedModel loaded = ModelCheckpoint.Load(model);
        EvaluationResult recomputed = Evaluation.Evaluate(loaded.Model, MnistDataset.Load(CliHarness.Mnist, MnistSplit.Test));
        Assert.Equal(recomputed.Accuracy, loaded.Sidecar.TestAccuracy!.Value, 6);

        (exit, output, err) = CliHarness.Run("eval-model", "--model", model, "--data", CliHarness.Mnist);
        Assert.True(exit == 0, err);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"({recomputed.Correct}/10000)"), output);
        Assert.Contains("confusion matrix", output);
    }

    [Fact]
    public void Bench_engine_quick_writes_every_figure()
    {
        using var scratch = new TempDirectory();
        string md = scratch.File("engine.md");
        (int exit, string output, string err) = CliHarness.Run("bench", "engine", "--quick", "--out", md);
        Assert.True(exit == 0, err);
        string text = File.ReadAllText(md);
        foreach (string figure in new[] { "lenet forward batch=1", "batch=1024", "training step batch=128", "input gradient", "training epoch", "gemm 1024x1024x1024" })
        {
            Assert.Contains(figure, text);
            Assert.Contains(figure, output);
        }
    }

    [Fact]
    public void Bench_evolution_and_cluster_quick_write_their_figures()
    {
        using var scratch = new TempDirectory();
        string evolution = scratch.File("evolution.md");
        (int exit, string output, string err) = CliHarness.Run("bench", "evolution", "--quick", "--model", scratch.File("no-model.safetensors"), "--out", evolution);
        Assert.True(exit == 0, err);
        foreach (string figure in new[] { "classifier forward only", "direct render only", "cppn render only", "direct evaluation", "cppn evaluation" })
        {
            Assert.Contains(figure, File.ReadAllText(evolution));
        }

        Assert.Contains("whole searches skipped", output);

        string cluster = scratch.File("ceiling.md");
        (exit, _, err) = CliHarness.Run("bench", "cluster", "--quick", "--out", cluster);
        Assert.True(exit == 0, err);
        Assert.Contains("0 reported children per job", File.ReadAllText(cluster));
        Assert.Contains("2 reported children per job", File.ReadAllText(cluster));
        Assert.Contains("100 simulated workers, 0 reported children per job", File.ReadAllText(cluster));
    }
}
