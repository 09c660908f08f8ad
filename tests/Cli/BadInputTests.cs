using FoolingCluster.Models.Architectures;
using FoolingCluster.Models.Checkpoints;
using FoolingCluster.Models.Training;
using FoolingCluster.Tensors;
using FoolingCluster.Tensors.Serialization;
using FoolingCluster.Tests.Shared;
using Xunit;

namespace FoolingCluster.Cli.Tests;

/// <summary>Every user mistake ends with a message that says what to do and exit code 2, never a stack trace.</summary>
public class BadInputTests
{
    [Fact]
    public void Unknown_option_lists_the_valid_options()
    {
        (int exit, _, string err) = CliHarness.Run("train", "--epoch", "3");
        Assert.Equal(2, exit);
        Assert.Contains("--epoch", err);
        Assert.Contains("valid options for 'fooling train'", err);
        Assert.Contains("--epochs", err);
        Assert.DoesNotContain("   at ", err);
    }

    [Fact]
    public void Unknown_command_lists_the_valid_commands()
    {
        (int exit, _, string err) = CliHarness.Run("trian");
        Assert.Equal(2, exit);
        Assert.Contains("valid commands for 'fooling'", err);
        Assert.Contains("train", err);
        Assert.Contains("eval-model", err);
    }

    [Fact]
    public void Unknown_config_key_lists_the_valid_keys()
    {
        using var scratch = new TempDirectory();
        string config = scratch.File("bad.json");
        File.WriteAllText(config, """{ "model": "lenet", "epoch": 3 }""");
        (int exit, _, string err) = CliHarness.Run("train", "--config", config);
        Assert.Equal(2, exit);
        Assert.Contains(config, err);
        Assert.Contains("unknown key 'epoch'", err);
        Assert.Contains("epochs", err);
        Assert.Contains("batchSize", err);
    }

    [Fact]
    public void Missing_data_names_the_set_up_command()
    {
        using var scratch = new TempDirectory();
        (int exit, _, string err) = CliHarness.Run("train", "--data", scratch.File("nowhere"), "--out", scratch.File("m.safetensors"), "--runs", scratch.File("runs"));
        Assert.Equal(2, exit);
        Assert.Contains("./scripts/setup.sh", err);
        Assert.DoesNotContain("   at ", err);
    }

    [Fact]
    public void Corrupt_idx_file_is_named_with_its_problem()
    {
        using var scratch = new TempDirectory();
        string data = scratch.File("mnist");
        Directory.CreateDirectory(data);
        foreach (string name in Directory.GetFiles(CliHarness.Mnist))
        {
            File.Copy(name, Path.Combine(data, Path.GetFileName(name)));
        }

        string images = Path.Combine(data, "t10k-images-idx3-ubyte");
        byte[] bytes = File.ReadAllBytes(images);
        File.WriteAllBytes(images, bytes[..5000]);
        string model = SaveModel(scratch);
        (int exit, _, string err) = CliHarness.Run("eval-model", "--model", model, "--data", data);
        Assert.Equal(2, exit);
        Assert.Contains("t10k-images-idx3-ubyte", err);
        Assert.Contains("truncated", err);

        bytes[0] = 0xFF;
        File.WriteAllBytes(images, bytes);
        (exit, _, err) = CliHarness.Run("eval-model", "--model", model, "--data", data);
        Assert.Equal(2, exit);
        Assert.True(err.Contains("magic", StringComparison.Ordinal), err);
    }

    [Fact]
    public void Mis_shaped_tensor_names_the_tensor_and_both_shapes()
    {
        using var scratch = new TempDirectory();
        string model = SaveModel(scratch);
        var state = new LeNet(1).StateDict().ToDictionary();
        state["fc1.weight"] = Tensor.Zeros(500, 256);
        SafeTensors.Save(model, state);
        (int exit, _, string err) = CliHarness.Run("eval-model", "--model", model, "--data", CliHarness.Mnist);
        Assert.Equal(2, exit);
        Assert.Contains("fc1.weight", err);
        Assert.Contains("[500,256]", err);
        Assert.Contains("[500,800]", err);
    }

    [Fact]
    public void Missing_tensor_is_named()
    {
        using var scratch = new TempDirectory();
        string model = SaveModel(scratch);
        var state = new LeNet(1).StateDict().ToDictionary();
        state.Remove("fc2.bias");
        SafeTensors.Save(model, state);
        (int exit, _, string err) = CliHarness.Run("eval-model", "--model", model, "--data", CliHarness.Mnist);
        Assert.Equal(2, exit);
        Assert.Contains("fc2.bias", err);
    }

    [Fact]
    public void Missing_model_file_says_how_to_make_one()
    {
        (int exit, _, string err) = CliHarness.Run("eval-model", "--model", "/nonexistent/lenet.safetensors");
        Assert.Equal(2, exit);
        Assert.Contains("fooling train", err);
    }

    [Fact]
    public void Bad_values_are_refused_with_the_key_named()
    {
        (int exit, _, string err) = CliHarness.Run("train", "--epochs", "0");
        Assert.Equal(2, exit);
        Assert.Contains("epochs", err);
        (exit, _, err) = CliHarness.Run("train", "--model", "resnet");
        Assert.Equal(2, exit);
        Assert.Contains("lenet", err);
    }

    private static string SaveModel(TempDirectory scratch)
    {
        string path = scratch.File("lenet.safetensors");
        ModelCheckpoint.Save(new LeNet(1), path, new TrainingConfig(), null);
        return path;
    }
}
