using FoolingCluster.Tests.Shared;
using Xunit;

namespace FoolingCluster.Cli.Tests;

/// <summary>A training whose loss becomes NaN stops there, saves nothing and says the learning rate is too large.</summary>
public class TrainDivergenceTests
{
    [Fact]
    public void Train_with_a_learning_rate_that_makes_the_loss_NaN_saves_nothing_and_says_so()
    {
        using var scratch = new TempDirectory();
        string model = scratch.File("models/nan.safetensors");
        (int exit, string output, string err) = CliHarness.Run(
            "train", "--epochs", "1", "--train-subset", "640", "--lr", "1e30",
            "--data", CliHarness.Mnist, "--out", model, "--runs", scratch.File("runs"));
        Assert.True(exit == 2, $"exit {exit}, expected 2; stdout: {output}; stderr: {err}");
        Assert.StartsWith("error: the training loss became NaN in epoch 1 (batch ", err, StringComparison.Ordinal);
        Assert.Contains("the learning rate 1E+30 is too large", err);
        Assert.Contains($"nothing was saved as {model}", err);
        Assert.False(File.Exists(model), "a diverged training saved its weights");
        Assert.False(File.Exists(Path.ChangeExtension(model, ".json")), "a diverged training saved a sidecar");
    }

    [Fact]
    public void Abs_train_with_a_learning_rate_that_makes_the_loss_NaN_stops_and_writes_no_sidecar()
    {
        using var scratch = new TempDirectory();
        string folder = scratch.File("abs");
        (int exit, string output, string err) = CliHarness.Run(
            "abs", "train", "--epochs", "2", "--train-subset", "1000", "--lr", "1e30",
            "--data", CliHarness.Mnist, "--out", folder, "--runs", scratch.File("runs"));
        Assert.True(exit == 2, $"exit {exit}, expected 2; stdout: {output}; stderr: {err}");
        Assert.Contains("the learning rate 1E+30 is too large", err);
        Assert.False(File.Exists(Path.Combine(folder, "abs.json")), "a diverged ABS training wrote its sidecar, making the folder a model");
    }
}
