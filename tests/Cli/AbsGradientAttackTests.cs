using FoolingCluster.Models.Architectures;
using FoolingCluster.Models.Checkpoints;
using FoolingCluster.Models.Data;
using FoolingCluster.Models.Training;
using FoolingCluster.Tests.Shared;
using Xunit;

namespace FoolingCluster.Cli.Tests;

/// <summary>
/// Gradient attacks on the reference ABS model from <c>fooling attack</c> and <c>fooling
/// transfer-attack</c>: ABS has no exact gradient, so the commands say they estimate it and the
/// adversarials move, rather than staying equal to the originals as if ABS were robust.
/// </summary>
public class AbsGradientAttackTests
{
    private const string Note = "ABS has no exact gradients: using gradients estimated from";

    private static string Abs => Path.Combine(RepositoryRoot.Find(), "reference", "abs.safetensors");

    [Fact]
    public void Attack_estimates_the_gradients_of_abs_and_says_so()
    {
        using var scratch = new TempDirectory();
        string output = scratch.File("fgsm");
        (int exit, string stdout, string err) = CliHarness.Run(
            "attack", "--model", Abs, "--attack", "fgsm", "--eps", "0.3", "--n", "1", "--probes", "20", "--data", CliHarness.Mnist, "--out", output);

        Assert.True(exit == 0, err);
        Assert.Contains($"{Note} 20 probes", stdout);
        float[] original = MnistDataset.Load(CliHarness.Mnist, MnistSplit.Test, limit: 1).Images;
        float[] adversarial = IdxReader.Read(Path.Combine(output, "adversarial-images.idx3")).Floats!;
        Assert.NotEqual(original, adversarial);
    }

    [Fact]
    public void Attack_with_the_default_probes_names_them()
    {
        using var scratch = new TempDirectory();
        (int exit, string stdout, string err) = CliHarness.Run(
            "attack", "--model", Abs, "--attack", "fgsm", "--eps", "0.1", "--n", "1", "--data", CliHarness.Mnist, "--out", scratch.File("out"));

        Assert.True(exit == 0, err);
        Assert.Contains($"{Note} 100 probes", stdout);
    }

    [Fact]
    public void Transfer_attack_crafts_on_abs_with_estimated_gradients()
    {
        using var scratch = new TempDirectory();
        string lenet = scratch.File("lenet.safetensors");
        ModelCheckpoint.Save(new LeNet(1), lenet, new TrainingConfig(), null);
        string output = scratch.File("out");
        (int exit, string stdout, string err) = CliHarness.Run(
            "transfer-attack", "--models", $"{lenet},{Abs}", "--attack", "fgsm", "--eps", "0.3", "--n", "1", "--probes", "20", "--data", CliHarness.Mnist, "--out", output);

        Assert.True(exit == 0, err);
        Assert.True(stdout.Contains($"abs: {Note} 20 probes", StringComparison.Ordinal), stdout);
        Assert.Single(stdout.Split('\n'), line => line.Contains("no exact gradients", StringComparison.Ordinal));
        float[] original = IdxReader.Read(Path.Combine(output, "original-images.idx3")).Floats!;
        float[] crafted = IdxReader.Read(Path.Combine(output, "adversarial-images-abs.idx3")).Floats!;
        Assert.NotEqual(original, crafted);
    }

    [Theory]
    [InlineData("attack", "3")]
    [InlineData("attack", "-2")]
    [InlineData("transfer-attack", "7")]
    public void An_odd_or_negative_probe_count_is_refused(string command, string probes)
    {
        using var scratch = new TempDirectory();
        string[] models = command == "attack" ? ["--model", Abs] : ["--models", $"{Abs},{Abs}x"];
        (int exit, _, string err) = CliHarness.Run([command, .. models, "--attack", "fgsm", "--eps", "0.1", "--probes", probes, "--out", scratch.File("out")]);
        Assert.Equal(2, exit);
        Assert.Contains($"--probes must be 0 (the model's own gradients) or an even number ≥ 2 (antithetic pairs); got {probes}", err);
    }
}
