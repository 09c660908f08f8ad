using System.Globalization;
using FoolingCluster.Models.Architectures;
using FoolingCluster.Models.Checkpoints;
using FoolingCluster.Models.Data;
using FoolingCluster.Models.Imaging;
using FoolingCluster.Models.Training;
using FoolingCluster.Tensors.NN;
using FoolingCluster.Tests.Shared;
using Xunit;

namespace FoolingCluster.Cli.Tests;

/// <summary>
/// <c>fooling transfer-attack</c> on a quickly trained LeNet, a copy of its weights file under
/// another name and a quickly trained MLP: the matrix in the CSV recomputed from the adversarials
/// the command leaves, and bad input refused with exit code 2.
/// </summary>
public class TransferAttackCommandTests
{
    private const int Images = 60;

    [Fact]
    public void Every_entry_of_the_csv_matches_the_saved_adversarials_classified_again()
    {
        using var scratch = new TempDirectory();
        (string lenet, Module lenetNet) = Train(scratch, "lenet", seed: 5);
        string copy = scratch.File("lenet-copy.safetensors");
        File.Copy(lenet, copy);
        File.Copy(ModelCheckpoint.SidecarPath(lenet), ModelCheckpoint.SidecarPath(copy));
        (string mlp, Module mlpNet) = Train(scratch, "mlp", seed: 6);
        string output = scratch.File("pgd");

        (int exit, string stdout, string err) = CliHarness.Run(
            "transfer-attack", "--models", $"{lenet},{copy}", "--model", mlp, "--attack", "pgd", "--eps", "0.3", "--steps", "10",
            "--n", $"{Images}", "--slice", "25", "--data", CliHarness.Mnist, "--out", output);

        Assert.True(exit == 0, err);
        Assert.Contains("crafted on \\ classified by", stdout);
        string[] names = ["lenet", "lenet-copy", "mlp"];
        Module[] nets = [lenetNet, lenetNet, mlpNet];
        Dictionary<string, double[]> csv = ReadCsv(Path.Combine(output, "transfer-matrix.csv"), names);
        ImageDataset test = MnistDataset.Load(CliHarness.Mnist, MnistSplit.Test, limit: Images);
        Assert.Equal(test.Images, IdxReader.Read(Path.Combine(output, "original-images.idx3")).Floats);
        Assert.Equal(test.Labels, IdxReader.ReadLabels(Path.Combine(output, "labels.idx1")));
        for (int t = 0; t < names.Length; t++)
        {
            Assert.Equal(Accuracy(nets[t], test.Images, test.Labels), csv["clean"][t], 12);
        }

        for (int s = 0; s < names.Length; s++)
        {
            IdxArray saved = IdxReader.Read(Path.Combine(output, $"adversarial-images-{names[s]}.idx3"));
            Assert.Equal([Images, 28, 28], saved.Dimensions);
            float[] adversarials = saved.Floats!;
            for (int j = 0; j < adversarials.Length; j++)
            {
                Assert.InRange(adversarials[j], 0f, 1f);
                Assert.True(Math.Abs(adversarials[j] - test.Images[j]) <= 0.3f + 1e-5f, $"value {j} of {names[s]}'s adversarials moved {adversarials[j] - test.Images[j]}");
            }

            for (int t = 0; t < names.Length; t++)
            {
                double recomputed = Accuracy(nets[t], adversarials, test.Labels);
                Assert.True(Math.Abs(recomputed - csv[names[s]][t]) < 1e-12, $"[{names[s]}, {names[t]}]: the csv says {csv[names[s]][t]}, the saved adversarials give {recomputed}");
            }
        }

        // White-box PGD lowers accuracy, and the copy of the weights agrees with the source exactly.
        Assert.True(csv["lenet"][0] < csv["clean"][0] - 0.3, $"white-box PGD leaves the LeNet {csv["lenet"][0]:P1} of {csv["clean"][0]:P1}");
        Assert.Equal(csv["lenet"][0], csv["lenet"][1]);
        string md = File.ReadAllText(Path.Combine(output, "transfer-matrix.md"));
        Assert.Contains("| none (clean images) |", md);
        Assert.Contains("100 minus", md);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"| lenet | **{100 * csv["lenet"][0]:0.00}** |"), md);
        Assert.Contains("--attack pgd --eps 0.3", md);
    }

    [Theory]
    [InlineData("a transfer matrix needs at least two models", "--models", "{lenet}")]
    [InlineData("is given twice", "--models", "{lenet},{lenet}")]
    [InlineData("--n must be from 1 to 10,000", "--models", "{lenet},{other}", "--n", "0")]
    [InlineData("--n must be from 1 to 10,000", "--models", "{lenet},{other}", "--n", "10001")]
    [InlineData("--slice must be at least 1", "--models", "{lenet},{other}", "--slice", "0")]
    [InlineData("--eps must be in (0, 1] for an L∞ radius", "--models", "{lenet},{other}", "--eps", "0")]
    [InlineData("--eps must be in (0, 1] for an L∞ radius, since pixels lie in [0,1], so none can change by more than 1 (got 5)", "--models", "{lenet},{other}", "--eps", "5")]
    [InlineData("those are: fgsm, fgm, bim, pgd", "--models", "{lenet},{other}", "--attack", "cw")]
    [InlineData("would both be called 'lenet'", "--models", "{lenet},{twin}")]
    [InlineData("has no file name", "--models", "{lenet},{scratch}/.safetensors")]
    [InlineData("valid options for 'fooling transfer-attack'", "--models", "{lenet},{other}", "--epsilon", "0.1")]
    public void Bad_input_is_explained_with_exit_code_2_and_writes_nothing(string expected, params string[] arguments)
    {
        using var scratch = new TempDirectory();
        string lenet = Save(scratch, "lenet.safetensors");
        string other = Save(scratch, "other.safetensors");
        string twin = Save(scratch, "twin/lenet.safetensors");
        string[] args = [.. arguments.Select(a => a.Replace("{lenet}", lenet).Replace("{other}", other).Replace("{twin}", twin).Replace("{scratch}", scratch.Path))];
        string output = scratch.File("out");
        List<string> command = ["transfer-attack", .. args, "--data", CliHarness.Mnist, "--out", output];
        if (!args.Contains("--attack"))
        {
            command.AddRange(["--attack", "fgsm"]);
        }

        if (!args.Contains("--eps"))
        {
            command.AddRange(["--eps", "0.1"]);
        }

        (int exit, _, string err) = CliHarness.Run([.. command]);

        Assert.Equal(2, exit);
        Assert.Contains(expected, err);
        Assert.DoesNotContain("   at ", err);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void A_missing_model_names_the_train_command_and_a_corrupt_or_foreign_sidecar_names_its_file()
    {
        using var scratch = new TempDirectory();
        string lenet = Save(scratch, "lenet.safetensors");
        string missing = scratch.File("models/lenet-seed9.safetensors");
        (int exit, _, string err) = Run(scratch, lenet, missing);
        Assert.Equal(2, exit);
        Assert.Contains("fooling train", err);
        Assert.Contains(missing, err);

        string corrupt = Save(scratch, "corrupt.safetensors");
        File.WriteAllText(ModelCheckpoint.SidecarPath(corrupt), "{ \"architecture\": ");
        (exit, _, err) = Run(scratch, lenet, corrupt);
        Assert.Equal(2, exit);
        Assert.Contains(ModelCheckpoint.SidecarPath(corrupt), err);

        string colour = Save(scratch, "colour.safetensors");
        string sidecar = ModelCheckpoint.SidecarPath(colour);
        (ModelSidecar.Load(sidecar) with { InputShape = [3, 32, 32] }).Save(sidecar);
        (exit, _, err) = Run(scratch, lenet, colour);
        Assert.Equal(2, exit);
        // A LeNet's weights cannot take [3,32,32] images, so the model check at load refuses it first.
        Assert.Contains(colour, err);
        Assert.Contains("input_shape [3,32,32] does not fit the weights", err);
        Assert.False(Directory.Exists(scratch.File("out")));
    }

    private static (int Exit, string Out, string Err) Run(TempDirectory scratch, params string[] models) =>
        CliHarness.Run("transfer-attack", "--models", string.Join(",", models), "--attack", "fgsm", "--eps", "0.1", "--n", "10", "--data", CliHarness.Mnist, "--out", scratch.File("out"));

    /// <summary>An untrained LeNet saved with its sidecar: enough for checks that stop before any attack.</summary>
    private static string Save(TempDirectory scratch, string name)
    {
        string path = scratch.File(name);
        ModelCheckpoint.Save(new LeNet(1), path, new TrainingConfig(), null);
        return path;
    }

    /// <summary>A network trained for one epoch on 3,000 digits (about 90 %), saved with its sidecar.</summary>
    private static (string Path, Module Net) Train(TempDirectory scratch, string architecture, int seed)
    {
        var config = new TrainingConfig { Model = architecture, Epochs = 1, Seed = seed, LearningRate = 0.03f };
        Module net = Architecture.Create(architecture, seed);
        Trainer.Train(net, config, MnistDataset.Load(CliHarness.Mnist, MnistSplit.Train, limit: 3000), test: null);
        net.Eval();
        string path = scratch.File($"{architecture}.safetensors");
        ModelCheckpoint.Save(net, path, config, null);
        return (path, net);
    }

    private static double Accuracy(Module net, float[] images, byte[] labels) =>
        Evaluation.Evaluate(net, new ImageDataset(images, labels, 1, 28, 28)).Accuracy;

    /// <summary>The rows of the CSV by their first cell, after checking the header names the models in order.</summary>
    private static Dictionary<string, double[]> ReadCsv(string path, string[] names)
    {
        string[] lines = File.ReadAllLines(path);
        Assert.Equal($"source,{string.Join(",", names)}", lines[0]);
        Assert.Equal(names.Length + 2, lines.Length);
        return lines.Skip(1).Select(line => line.Split(',')).ToDictionary(
            cells => cells[0],
            cells => cells.Skip(1).Select(c => double.Parse(c, CultureInfo.InvariantCulture)).ToArray());
    }
}
