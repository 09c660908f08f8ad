using FoolingCluster.Models.Abs;
using FoolingCluster.Models.Checkpoints;
using FoolingCluster.Tests.Shared;
using Xunit;

namespace FoolingCluster.Cli.Tests;

/// <summary><c>fooling abs train</c> and ABS folders on the path-based route of <c>eval-model</c>.</summary>
public class AbsCommandTests
{
    [Fact]
    public void Abs_train_writes_a_folder_that_resume_continues_and_eval_model_classifies()
    {
        using var scratch = new TempDirectory();
        string folder = scratch.File("abs");
        (int exit, string output, string err) = CliHarness.Run("abs", "train", "--out", folder, "--epochs", "1", "--train-subset", "1000", "--runs", scratch.File("runs"), "--data", CliHarness.Mnist);
        Assert.True(exit == 0, err);
        Assert.Contains("class 9 epoch 1/1", output);
        for (int c = 0; c < 10; c++)
        {
            Assert.True(File.Exists(AbsCheckpoint.VaePath(folder, c)), $"vae-{c}.safetensors");
        }

        Assert.True(File.Exists(Path.Combine(folder, AbsCheckpoint.SidecarName)));
        Assert.True(File.Exists(Path.Combine(folder, AbsCheckpoint.BinarySidecarName)));

        (exit, output, err) = CliHarness.Run("abs", "train", "--out", folder, "--resume", "--epochs", "1", "--train-subset", "1000", "--runs", scratch.File("runs"), "--data", CliHarness.Mnist);
        Assert.True(exit == 0, err);
        Assert.Contains("trained for 1 epochs so far", output);
        ModelSidecar sidecar = ModelSidecar.Load(Path.Combine(folder, AbsCheckpoint.SidecarName));
        Assert.Equal(2, sidecar.Training!.Epochs);
        Assert.Contains("continued", sidecar.Training.Method, StringComparison.Ordinal);

        (exit, output, err) = CliHarness.Run("eval-model", "--model", Path.Combine(folder, AbsCheckpoint.BinarySidecarName), "--n", "20", "--data", CliHarness.Mnist);
        Assert.True(exit == 0, err);
        Assert.Contains("(abs, ", output);
        Assert.Contains("(", output[output.IndexOf("test accuracy", StringComparison.Ordinal)..]);
        Assert.Contains("/20)", output);
    }

    [Fact]
    public void Mistakes_exit_with_2_and_say_what_to_do()
    {
        using var scratch = new TempDirectory();
        (int exit, _, string err) = CliHarness.Run("abs", "train", "--epochs", "0", "--out", scratch.File("abs"));
        Assert.Equal(2, exit);
        Assert.Contains("epochs must be at least 1", err);

        (exit, _, err) = CliHarness.Run("eval-model", "--model", scratch.Path);
        Assert.Equal(2, exit);
        Assert.Contains("fooling abs train --out", err);
        Assert.DoesNotContain("   at ", err);

        (exit, _, err) = CliHarness.Run("abs", "train", "--epoch", "3");
        Assert.Equal(2, exit);
        Assert.Contains("--epochs", err);

        (exit, _, err) = CliHarness.Run("abs", "train", "--out", scratch.File("abs"), "--cluster", "http://localhost:4053/");
        Assert.Equal(2, exit);
        Assert.Contains("--cluster takes HOST:PORT, not a URL", err);

        (exit, _, err) = CliHarness.Run("abs", "train", "--out", scratch.File("abs"), "--cluster", "127.0.0.1:4053", "--sequential");
        Assert.Equal(2, exit);
        Assert.Contains("--sequential", err);
        Assert.Contains("--cluster", err);

        (exit, _, err) = CliHarness.Run("abs", "train", "--out", scratch.File("abs"), "--cluster", "127.0.0.1:4053", "--epochs", "0");
        Assert.Equal(2, exit);
        Assert.Contains("epochs must be at least 1", err);
        Assert.False(Directory.Exists(scratch.File("abs")), "a refused command wrote its output folder");
    }
}
