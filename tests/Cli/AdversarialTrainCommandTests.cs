using System.Globalization;
using FoolingCluster.Models.Checkpoints;
using FoolingCluster.Tests.Shared;
using Xunit;

namespace FoolingCluster.Cli.Tests;

/// <summary><c>fooling train --adversarial</c>: what it records, what it leaves behind, and the mistakes it refuses.</summary>
public class AdversarialTrainCommandTests
{
    [Fact]
    public void Adversarial_training_records_its_method_in_the_sidecar_checkpoints_every_epoch_and_reports_robust_accuracy()
    {
        using var scratch = new TempDirectory();
        string model = scratch.File("models/lenet-pgd.safetensors");
        string runs = scratch.File("runs");
        (int exit, string output, string err) = CliHarness.Run(
            "train", "--adversarial", "pgd", "--eps", "0.3", "--attack-steps", "3", "--epochs", "2", "--train-subset", "320",
            "--data", CliHarness.Mnist, "--out", model, "--runs", runs);
        Assert.True(exit == 0, err);
        Assert.Contains("robust accuracy", output);

        ModelSidecar sidecar = ModelSidecar.Load(ModelCheckpoint.SidecarPath(model));
        TrainingDetails training = Assert.IsType<TrainingDetails>(sidecar.Training);
        Assert.Equal("pgd", training.Method);
        AdversarialDetails details = Assert.IsType<AdversarialDetails>(training.Adversarial);
        Assert.Equal(0.3, details.Epsilon, 6);
        Assert.Equal(0, details.Alpha);
        Assert.Equal(3, details.Steps);
        Assert.Equal(2.5 * 0.3 / 3, details.StepSize, 6);
        Assert.True(details.RandomStart);

        string run = Assert.Single(Directory.GetDirectories(runs));
        for (int epoch = 1; epoch <= 2; epoch++)
        {
            string checkpoint = Path.Combine(run, "checkpoints", $"epoch-{epoch}.safetensors");
            Assert.True(File.Exists(checkpoint), checkpoint);
            Assert.Equal(epoch, ModelCheckpoint.Load(checkpoint).Sidecar.Training!.Epochs);
        }

        string[] history = File.ReadAllLines(Path.Combine(run, "history.csv"));
        int robustColumn = Array.IndexOf(history[0].Split(','), "robust_accuracy");
        Assert.True(robustColumn >= 0, history[0]);
        double robust = double.Parse(history[2].Split(',')[robustColumn], CultureInfo.InvariantCulture);
        Assert.InRange(robust, 0, 1);

        (exit, output, err) = CliHarness.Run("eval-model", "--model", model, "--data", CliHarness.Mnist, "--n", "100");
        Assert.True(exit == 0, err);
        Assert.Contains("training: pgd adversarial training (L∞ ε = 0.3, α = 0, 3 steps of 0.25, random start)", output);

        // The evaluation hooks: an adversarially trained model is a target like any other.
        (exit, output, err) = CliHarness.Run("attack", "--model", model, "--attack", "pgd", "--eps", "0.3", "--steps", "5", "--n", "8", "--data", CliHarness.Mnist, "--out", scratch.File("attack"));
        Assert.True(exit == 0, err);
        Assert.Contains("accuracy on adversarials", output);
        (exit, _, err) = CliHarness.Run(
            "eval-robustness", "--model", model, "--norms", "linf", "--attacks", "fgsm", "--n", "8", "--data", CliHarness.Mnist, "--runs", scratch.File("robustness"));
        Assert.True(exit == 0, err);
        Assert.True(File.Exists(Path.Combine(Assert.Single(Directory.GetDirectories(scratch.File("robustness"))), "robustness.csv")));
    }

    [Fact]
    public void Fgsm_training_takes_goodfellows_alpha_and_standard_training_records_no_attack()
    {
        using var scratch = new TempDirectory();
        string fgsm = scratch.File("fgsm.safetensors");
        (int exit, _, string err) = CliHarness.Run(
            "train", "--adversarial", "fgsm", "--eps", "0.25", "--epochs", "1", "--train-subset", "128",
            "--data", CliHarness.Mnist, "--out", fgsm, "--runs", scratch.File("runs"));
        Assert.True(exit == 0, err);
        TrainingDetails training = ModelSidecar.Load(ModelCheckpoint.SidecarPath(fgsm)).Training!;
        Assert.Equal("fgsm", training.Method);
        Assert.Equal(0.5, training.Adversarial!.Alpha);
        Assert.Equal(1, training.Adversarial.Steps);
        Assert.False(training.Adversarial.RandomStart);

        string standard = scratch.File("standard.safetensors");
        (exit, _, err) = CliHarness.Run(
            "train", "--epochs", "1", "--train-subset", "128", "--data", CliHarness.Mnist, "--out", standard, "--runs", scratch.File("runs"));
        Assert.True(exit == 0, err);
        training = ModelSidecar.Load(ModelCheckpoint.SidecarPath(standard)).Training!;
        Assert.Equal("standard", training.Method);
        Assert.Null(training.Adversarial);
    }

    [Theory]
    [InlineData("unknown --adversarial method 'madry'; valid: none, fgsm, pgd", "--adversarial", "madry", "--eps", "0.3")]
    [InlineData("--eps must be in (0, 1]", "--adversarial", "fgsm", "--eps", "0")]
    [InlineData("--eps must be in (0, 1]", "--adversarial", "pgd", "--eps", "-0.1")]
    [InlineData("--eps must be in (0, 1]", "--adversarial", "pgd", "--eps", "1.5")]
    [InlineData("need --adversarial fgsm|pgd", "--eps", "0.3")]
    [InlineData("need --adversarial fgsm|pgd", "--adversarial", "none", "--eps", "0.3")]
    [InlineData("--adversarial pgd needs --eps", "--adversarial", "pgd")]
    [InlineData("--alpha must be in [0,1]", "--adversarial", "fgsm", "--eps", "0.25", "--alpha", "2")]
    [InlineData("apply to --adversarial pgd", "--adversarial", "fgsm", "--eps", "0.25", "--attack-steps", "5")]
    [InlineData("adversarial.steps must be at least 1", "--adversarial", "pgd", "--eps", "0.3", "--attack-steps", "0")]
    public void Bad_adversarial_options_are_refused_with_exit_code_2(string expected, params string[] options)
    {
        using var scratch = new TempDirectory();
        (int exit, _, string err) = CliHarness.Run(
            ["train", .. options, "--data", CliHarness.Mnist, "--out", scratch.File("m.safetensors"), "--runs", scratch.File("runs")]);
        Assert.Equal(2, exit);
        Assert.Contains(expected, err);
        Assert.DoesNotContain("   at ", err);
        Assert.False(File.Exists(scratch.File("m.safetensors")));
    }

    [Theory]
    [InlineData("""{ "adversarial": { "method": "pgd", "epsilon": 0.3, "step": 10 } }""", "unknown key 'adversarial.step' in 'adversarial'; valid keys: alpha, epsilon, method, probeImages, stepSize, steps")]
    [InlineData("""{ "adversarial": { "method": "fgm", "epsilon": 0.3 } }""", "adversarial.method must be one of none, fgsm, pgd (got 'fgm')")]
    [InlineData("""{ "adversarial": { "method": "pgd" } }""", "adversarial.epsilon is required for pgd training")]
    [InlineData("""{ "adversarial": { "epsilon": 0.3 } }""", "set adversarial.method to fgsm or pgd")]
    [InlineData("""{ "adversarial": null }""", "key 'adversarial' must be an object { ... }, not null")]
    public void Bad_adversarial_sections_are_refused_with_the_key_named(string json, string expected)
    {
        using var scratch = new TempDirectory();
        string config = scratch.File("bad.json");
        File.WriteAllText(config, json);
        (int exit, _, string err) = CliHarness.Run("train", "--config", config, "--data", CliHarness.Mnist, "--out", scratch.File("m.safetensors"), "--runs", scratch.File("runs"));
        Assert.Equal(2, exit);
        Assert.Contains(expected, err);
        Assert.Contains(config, err);
    }
}
