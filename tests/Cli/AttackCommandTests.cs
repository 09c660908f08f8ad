using System.Globalization;
using System.Text.RegularExpressions;
using FoolingCluster.Models.Architectures;
using FoolingCluster.Models.Checkpoints;
using FoolingCluster.Models.Data;
using FoolingCluster.Models.Imaging;
using FoolingCluster.Models.Training;
using FoolingCluster.Tensors;
using FoolingCluster.Tensors.Autograd;
using FoolingCluster.Tests.Shared;
using Xunit;

namespace FoolingCluster.Cli.Tests;

/// <summary><c>fooling attack</c>: the five outputs, read back and checked against figures recomputed here.</summary>
public class AttackCommandTests
{
    [Fact]
    public void Pgd_writes_images_labels_grid_and_a_summary_whose_figures_match_the_images()
    {
        using var scratch = new TempDirectory();
        (string model, LeNet net) = QuickModel.Train(scratch);
        string output = scratch.File("pgd");
        (int exit, string stdout, string err) = CliHarness.Run(
            "attack", "--model", model, "--attack", "pgd", "--norm", "linf", "--eps", "0.3", "--steps", "10",
            "--n", "40", "--data", CliHarness.Mnist, "--out", output);
        Assert.True(exit == 0, err);
        Assert.Contains("success rate", stdout);

        ImageDataset test = MnistDataset.Load(CliHarness.Mnist, MnistSplit.Test, limit: 40);
        IdxArray adversarials = IdxReader.Read(Path.Combine(output, "adversarial-images.idx3"));
        IdxArray originals = IdxReader.Read(Path.Combine(output, "original-images.idx3"));
        Assert.Equal(IdxElementType.Float32, adversarials.ElementType);
        Assert.Equal([40, 28, 28], adversarials.Dimensions);
        Assert.Equal([40, 28, 28], originals.Dimensions);
        Assert.Equal(test.Images, originals.Floats);
        Assert.Equal(test.Labels, IdxReader.ReadLabels(Path.Combine(output, "labels.idx1")));
        float[] adv = adversarials.Floats!;
        for (int j = 0; j < adv.Length; j++)
        {
            Assert.InRange(adv[j], 0f, 1f);
            Assert.True(Math.Abs(adv[j] - test.Images[j]) <= 0.3f + 1e-5f, $"value {j} moved {adv[j] - test.Images[j]}");
        }

        // Three rows (originals, perturbations, adversarials) of ten 28×28 images.
        PngImage grid = PngReader.Read(Path.Combine(output, "grid.png"));
        Assert.True(grid.Width >= 10 * 28 * 3 && grid.Height >= 3 * 28 * 3, $"grid is {grid.Width}×{grid.Height}");

        int[] predicted = QuickModel.Predict(net, adv);
        int fooled = Enumerable.Range(0, 40).Count(i => predicted[i] != test.Labels[i]);
        int[] cleanPredicted = QuickModel.Predict(net, test.Images);
        int clean = Enumerable.Range(0, 40).Count(i => cleanPredicted[i] == test.Labels[i]);
        string summary = File.ReadAllText(Path.Combine(output, "summary.md"));
        Assert.Equal(Fraction(fooled), Row(summary, "success rate"));
        Assert.Equal(Fraction(40 - fooled), Row(summary, "accuracy on adversarials"));
        Assert.Equal(Fraction(clean), Row(summary, "clean accuracy"));
        Assert.True(fooled > 40 - clean, $"PGD fooled {fooled} of 40 images; the model gets {40 - clean} wrong unattacked");
        Assert.Contains("--attack pgd --norm linf --eps 0.3", summary);
        Assert.Contains("| L∞ |", summary);
        Assert.Contains("| L2 |", summary);
        Assert.Contains("| L0 |", summary);
    }

    [Fact]
    public void A_targeted_attack_counts_success_as_reaching_the_target()
    {
        using var scratch = new TempDirectory();
        (string model, LeNet net) = QuickModel.Train(scratch);
        string output = scratch.File("bim");
        (int exit, _, string err) = CliHarness.Run(
            "attack", "--model", model, "--attack", "bim", "--eps", "0.3", "--target", "3",
            "--n", "30", "--data", CliHarness.Mnist, "--out", output);
        Assert.True(exit == 0, err);
        int[] predicted = QuickModel.Predict(net, IdxReader.Read(Path.Combine(output, "adversarial-images.idx3")).Floats!);
        int hits = predicted.Count(p => p == 3);
        string summary = File.ReadAllText(Path.Combine(output, "summary.md"));
        Assert.Equal(Fraction(hits, 30), Row(summary, "success rate"));
        Assert.Contains("target: class 3", summary);
        Assert.True(hits > 15, $"{hits} of 30 images reach class 3");
    }

    [Theory]
    [InlineData("cw", "linf", "0.3", "cw works in l2, not linf")]
    [InlineData("carlini", "l2", "0.3", "valid: fgsm, fgm, bim, pgd")]
    [InlineData("deepfool", "l2", "0.3", "takes no --eps")]
    [InlineData("pgd", "l1", "0.3", "valid: linf, l2")]
    [InlineData("pgd", "linf", "0", "--eps must be in (0, 1] for an L∞ radius")]
    [InlineData("fgsm", "linf", "5", "--eps must be in (0, 1] for an L∞ radius, since pixels lie in [0,1], so none can change by more than 1 (got 5)")]
    [InlineData("pgd", "l2", "30", "--eps must be in (0, 28] for an L2 radius")]
    [InlineData("fgm", "l2", "NaN", "--eps takes a finite number (got 'NaN')")]
    [InlineData("pgd", "linf", "-0.1", "--eps")]
    [InlineData("fgsm", "l2", "0.3", "fgm")]
    public void Bad_attack_norm_or_epsilon_is_explained_with_exit_code_2(string attack, string norm, string eps, string expected)
    {
        using var scratch = new TempDirectory();
        (int exit, _, string err) = CliHarness.Run(
            "attack", "--model", scratch.File("m.safetensors"), "--attack", attack, "--norm", norm, "--eps", eps, "--out", scratch.File("out"));
        Assert.Equal(2, exit);
        Assert.Contains(expected, err);
        Assert.DoesNotContain("   at ", err);
    }

    [Fact]
    public void DeepFool_needs_no_epsilon_and_reports_the_images_it_fooled()
    {
        using var scratch = new TempDirectory();
        (string model, LeNet net) = QuickModel.Train(scratch);
        string output = scratch.File("deepfool");
        (int exit, _, string err) = CliHarness.Run(
            "attack", "--model", model, "--attack", "deepfool", "--norm", "l2", "--n", "20", "--data", CliHarness.Mnist, "--out", output);
        Assert.True(exit == 0, err);
        ImageDataset test = MnistDataset.Load(CliHarness.Mnist, MnistSplit.Test, limit: 20);
        float[] adv = IdxReader.Read(Path.Combine(output, "adversarial-images.idx3")).Floats!;
        Assert.All(adv, v => Assert.InRange(v, 0f, 1f));
        int[] predicted = QuickModel.Predict(net, adv);
        int fooled = Enumerable.Range(0, 20).Count(i => predicted[i] != test.Labels[i]);
        string summary = File.ReadAllText(Path.Combine(output, "summary.md"));
        Assert.Equal(Fraction(fooled, 20), Row(summary, "success rate"));
        Assert.True(fooled >= 19, $"DeepFool fooled {fooled} of 20");
        Assert.Contains("ε: none", summary);
    }

    [Fact]
    public void Attacks_with_a_radius_ask_for_it()
    {
        using var scratch = new TempDirectory();
        (int exit, _, string err) = CliHarness.Run("attack", "--model", scratch.File("m.safetensors"), "--attack", "pgd", "--out", scratch.File("out"));
        Assert.Equal(2, exit);
        Assert.Contains("give it with --eps", err);
    }

    [Fact]
    public void Missing_model_names_the_train_command()
    {
        using var scratch = new TempDirectory();
        (int exit, _, string err) = CliHarness.Run(
            "attack", "--model", scratch.File("nowhere.safetensors"), "--attack", "fgsm", "--eps", "0.25", "--out", scratch.File("out"));
        Assert.Equal(2, exit);
        Assert.Contains("fooling train", err);
        Assert.False(Directory.Exists(scratch.File("out")));
    }

    [Fact]
    public void Target_outside_the_classes_and_bad_counts_are_refused()
    {
        using var scratch = new TempDirectory();
        string model = scratch.File("lenet.safetensors");
        ModelCheckpoint.Save(new LeNet(1), model, new TrainingConfig(), null);
        (int exit, _, string err) = CliHarness.Run("attack", "--model", model, "--attack", "pgd", "--eps", "0.3", "--target", "10", "--out", scratch.File("out"));
        Assert.Equal(2, exit);
        Assert.Contains("--target must be a class from 0 to 9", err);
        (exit, _, err) = CliHarness.Run("attack", "--model", model, "--attack", "pgd", "--eps", "0.3", "--n", "0", "--out", scratch.File("out"));
        Assert.Equal(2, exit);
        Assert.Contains("--n must be at least 1", err);
        (exit, _, err) = CliHarness.Run("attack", "--model", model, "--attack", "fgsm", "--eps", "0.3", "--steps", "5", "--out", scratch.File("out"));
        Assert.Equal(2, exit);
        Assert.Contains("one step", err);
        (exit, _, err) = CliHarness.Run("attack", "--model", model, "--attack", "pgd", "--eps", "0.3");
        Assert.Equal(2, exit);
        Assert.Contains("--out", err);
    }

    [Fact]
    public void Bench_attacks_quick_writes_the_step_figures_and_with_a_model_the_test_set_figures()
    {
        using var scratch = new TempDirectory();
        string md = scratch.File("attacks.md");
        (int exit, string output, string err) = CliHarness.Run("bench", "attacks", "--quick", "--model", scratch.File("no-model.safetensors"), "--out", md);
        Assert.True(exit == 0, err);
        foreach (string figure in new[] { "pgd step batch=64", "pgd step batch=256", "pgd step batch=1024" })
        {
            Assert.Contains(figure, File.ReadAllText(md));
        }

        Assert.Contains("test-set figures skipped", output);

        (string model, _) = QuickModel.Train(scratch);
        (exit, _, err) = CliHarness.Run("bench", "attacks", "--quick", "--model", model, "--data", CliHarness.Mnist, "--out", md);
        Assert.True(exit == 0, err);
        foreach (string figure in new[] { "clean accuracy", "accuracy under fgsm eps=0.25", "accuracy under pgd-40 linf eps=0.3", "pgd-40 linf eps=0.3 over the test set" })
        {
            Assert.Contains(figure, File.ReadAllText(md));
        }
    }

    private static string Fraction(int k, int n = 40) => string.Create(CultureInfo.InvariantCulture, $"({k}/{n})");

    /// <summary>The "(k/N)" count in the summary table's row named <paramref name="name"/>.</summary>
    private static string Row(string summary, string name)
    {
        Match m = Regex.Match(summary, $@"^\| {Regex.Escape(name)} \| [0-9.]+ % (\([0-9]+/[0-9]+\)) \|$", RegexOptions.Multiline);
        Assert.True(m.Success, $"no '{name}' row in:\n{summary}");
        return m.Groups[1].Value;
    }
}
