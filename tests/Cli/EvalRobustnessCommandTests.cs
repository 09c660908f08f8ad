using System.Globalization;
using System.Xml.Linq;
using FoolingCluster.Models.Architectures;
using FoolingCluster.Models.Data;
using FoolingCluster.Models.Imaging;
using FoolingCluster.Tests.Shared;
using Xunit;

namespace FoolingCluster.Cli.Tests;

/// <summary><c>fooling eval-robustness</c>: the four files, and the table's figures recomputed from the per-image CSV.</summary>
public class EvalRobustnessCommandTests
{
    [Fact]
    public void Writes_the_table_csv_curves_and_picture_whose_figures_agree()
    {
        using var scratch = new TempDirectory();
        (string model, LeNet _) = QuickModel.Train(scratch);
        (int exit, string stdout, string err) = CliHarness.Run(
            "eval-robustness", "--model", model, "--norms", "l2,linf", "--attacks", "fgsm,fgm,deepfool", "--n", "16",
            "--data", CliHarness.Mnist, "--runs", scratch.File("runs"));
        Assert.True(exit == 0, err);
        Assert.Contains("[4/4]", stdout);
        string folder = Directory.GetDirectories(scratch.File("runs")).Single();
        Assert.Contains("-robustness-lenet", folder);

        string[] lines = File.ReadAllLines(Path.Combine(folder, "robustness.csv"));
        string[] header = lines[0].Split(',');
        Assert.Equal(17, lines.Length);
        string md = File.ReadAllText(Path.Combine(folder, "robustness.md"));
        ImageDataset test = MnistDataset.Load(CliHarness.Mnist, MnistSplit.Test, limit: 16);
        foreach ((string norm, double threshold, string[] attacks) in new[] { ("l2", 1.5, new[] { "fgm", "deepfool" }), ("linf", 0.3, new[] { "fgsm", "deepfool" }) })
        {
            int smallestColumn = Array.IndexOf(header, $"{norm}_smallest");
            int[] attackColumns = attacks.Select(a => Array.IndexOf(header, $"{norm}_{a}")).ToArray();
            Assert.True(smallestColumn > 0 && attackColumns.All(c => c > 0), lines[0]);
            var smallest = new List<double>();
            for (int i = 1; i < lines.Length; i++)
            {
                string[] cells = lines[i].Split(',');
                Assert.Equal(test.Labels[i - 1].ToString(CultureInfo.InvariantCulture), cells[1]);
                double least = attackColumns.Select(c => Parse(cells[c])).Min();
                Assert.Equal(least, Parse(cells[smallestColumn]));
                smallest.Add(least);
            }

            double accuracy = smallest.Count(d => d > threshold) / 16.0;
            Assert.Contains(accuracy.ToString("0.0 %", CultureInfo.InvariantCulture), md);
        }

        Assert.Contains("(measured)", md);
        (exit, stdout, err) = CliHarness.Run("robustness-table", folder, folder, "--out", scratch.File("table.md"));
        Assert.True(exit == 0, err);
        string table = File.ReadAllText(scratch.File("table.md"));
        Assert.Equal(table, stdout);
        Assert.Equal(2, table.Split('\n').Count(line => line.StartsWith("| lenet (measured", StringComparison.Ordinal)));
        Assert.Contains("| Binary ABS, Schott et al. (2019), published |", table);
        Assert.Contains("Schott et al. (2019), published", md);
        XDocument svg = XDocument.Parse(File.ReadAllText(Path.Combine(folder, "robustness.svg")));
        Assert.Equal("svg", svg.Root!.Name.LocalName);
        PngImage picture = PngReader.Read(Path.Combine(folder, "robustness.png"));
        Assert.True(picture.Width >= 10 * 28 && picture.Height >= 3 * 28, $"picture is {picture.Width}×{picture.Height}");
    }

    [Theory]
    [InlineData("--norms", "l3", "valid: l0, l2, linf")]
    [InlineData("--attacks", "boundary", "none of the attacks boundary works in l0")]
    [InlineData("--attacks", "carlini", "unknown attack 'carlini'")]
    [InlineData("--n", "0", "--n must be at least 1")]
    public void Bad_norms_attacks_and_counts_are_explained_with_exit_code_2(string option, string value, string expected)
    {
        using var scratch = new TempDirectory();
        (int exit, _, string err) = CliHarness.Run("eval-robustness", "--model", scratch.File("m.safetensors"), option, value, "--runs", scratch.File("runs"));
        Assert.Equal(2, exit);
        Assert.Contains(expected, err);
        Assert.DoesNotContain("   at ", err);
        Assert.False(Directory.Exists(scratch.File("runs")));
    }

    [Fact]
    public void Missing_model_names_the_train_command_and_leaves_no_folder()
    {
        using var scratch = new TempDirectory();
        (int exit, _, string err) = CliHarness.Run("eval-robustness", "--model", scratch.File("nowhere.safetensors"), "--runs", scratch.File("runs"));
        Assert.Equal(2, exit);
        Assert.Contains("fooling train", err);
        Assert.False(Directory.Exists(scratch.File("runs")));
    }

    private static double Parse(string cell) => cell == "inf" ? double.PositiveInfinity : double.Parse(cell, CultureInfo.InvariantCulture);
}
