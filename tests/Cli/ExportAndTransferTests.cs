using System.Globalization;
using FoolingCluster.Evolution.Evaluation;
using FoolingCluster.Evolution.Genomes;
using FoolingCluster.Models.Checkpoints;
using FoolingCluster.Models.Data;
using FoolingCluster.Models.Imaging;
using FoolingCluster.Protocol.Messages;
using FoolingCluster.Runs;
using FoolingCluster.Tests.Shared;
using Xunit;

namespace FoolingCluster.Cli.Tests;

/// <summary><c>fooling export</c> and <c>fooling transfer</c> on a small seeded run.</summary>
[Collection(RunTestGroup.Name)]
public sealed class ExportAndTransferTests(TargetModelFixture target)
{
    [Fact]
    public void Export_writes_the_elites_and_recorded_images_as_idx_csv_and_pngs_without_duplicates()
    {
        using var scratch = new TempDirectory();
        string config = RunTestSupport.WriteConfig(scratch, "search.json", "cppn", target.ModelPath, generations: 20, seed: 4, recordThreshold: 0.9);
        string run = RunTestSupport.RunOnOneThread(config, scratch.File("runs"));
        string elitesOnly = scratch.File("export/elites");
        string withFound = scratch.File("export/all");

        (int exit, string output, string err) = RunTestSupport.Fooling("export", run, "--out", elitesOnly);
        Assert.True(exit == 0, err);
        Assert.Contains("wrote", output);
        (exit, _, err) = RunTestSupport.Fooling("export", run, "--out", withFound, "--all-above", "0.95");
        Assert.True(exit == 0, err);

        // Elites only: one image per filled cell unless one image is the elite of several cells.
        ArchiveSnapshotMessage snapshot = RunTestSupport.Snapshot(run);
        ImageDataset elites = IdxDataset.Load(Path.Combine(elitesOnly, "images-idx3-ubyte"), Path.Combine(elitesOnly, "labels-idx1-ubyte"));
        int distinctElites = snapshot.Elites.Select(e => e.Genome).Distinct().Count();
        Assert.InRange(elites.Count, 1, 10);
        Assert.True(elites.Count <= distinctElites, $"{elites.Count} exported elites from {distinctElites} distinct genomes");
        Dictionary<int, float[]> rendered = RunTestSupport.RenderElites(run);

        // Every exported elite image is one of the archive's elites, labelled with a class it fools.
        for (int i = 0; i < elites.Count; i++)
        {
            float[] image = elites.Images.AsSpan(i * 784, 784).ToArray();
            int label = elites.Labels[i];
            Assert.True(rendered.TryGetValue(label, out float[]? elite) && elite.SequenceEqual(image), $"exported image {i} (label {label}) is not the elite of class {label}");
        }

        // With recorded images: more images, all distinct, each at or above the threshold for its label
        // according to the run's model, and the PNGs equal the idx images.
        ImageDataset all = IdxDataset.Load(Path.Combine(withFound, "images-idx3-ubyte"), Path.Combine(withFound, "labels-idx1-ubyte"));
        Assert.True(all.Count > elites.Count, $"--all-above 0.95 exported {all.Count} images, elites alone {elites.Count}");
        var keys = new HashSet<string>();
        for (int i = 0; i < all.Count; i++)
        {
            Assert.True(keys.Add(Convert.ToBase64String(all.Images.AsSpan(i * 784, 784).ToArray().Select(PixelQuantizer.ToByte).ToArray())), $"image {i} is exported twice");
        }

        string[] rows = File.ReadAllLines(Path.Combine(withFound, "images.csv"));
        Assert.Equal(all.Count + 1, rows.Length);
        LoadedModel model = ModelCheckpoint.Load(Path.Combine(run, RunFiles.Model));
        var classifier = new ModuleClassifier(model.Model, ImageShape.Mnist, 10);
        var probabilities = new float[all.Count * 10];
        classifier.Classify(all.Images, all.Count, probabilities);
        for (int i = 0; i < all.Count; i++)
        {
            string[] fields = rows[i + 1].Split(',');
            int label = int.Parse(fields[1], CultureInfo.InvariantCulture);
            float confidence = float.Parse(fields[2], CultureInfo.InvariantCulture);
            Assert.Equal(all.Labels[i], label);
            Assert.Equal(confidence, probabilities[(i * 10) + label], 5);
            if (fields[4] == "found")
            {
                Assert.True(confidence >= 0.95f, $"row {i}: a recorded image below --all-above");
            }

            float[] png = PngReader.Read(Path.Combine(withFound, fields[5])).ToFloat();
            Assert.Equal(all.Images.AsSpan(i * 784, 784).ToArray(), png);
        }
    }

    [Fact]
    public void Export_refuses_a_threshold_below_what_the_run_recorded_and_a_non_empty_folder()
    {
        using var scratch = new TempDirectory();
        string config = RunTestSupport.WriteConfig(scratch, "search.json", "direct", target.ModelPath, generations: 2, seed: 4, recordThreshold: 0.9);
        string run = RunTestSupport.RunOnOneThread(config, scratch.File("runs"));

        (int exit, _, string err) = RunTestSupport.Fooling("export", run, "--out", scratch.File("out1"), "--all-above", "0.5");
        Assert.Equal(2, exit);
        Assert.Contains("recordThreshold", err);

        Directory.CreateDirectory(scratch.File("out2"));
        File.WriteAllText(scratch.File("out2/keep.txt"), "x");
        (exit, _, err) = RunTestSupport.Fooling("export", run, "--out", scratch.File("out2"));
        Assert.Equal(2, exit);
        Assert.Contains("not empty", err);
        Assert.True(File.Exists(scratch.File("out2/keep.txt")));

        (exit, _, err) = RunTestSupport.Fooling("export", scratch.File("nowhere"), "--out", scratch.File("out3"));
        Assert.Equal(2, exit);
        Assert.Contains("not a run folder", err);
    }

    [Fact]
    public void Transfer_reports_each_elite_under_both_models_and_the_run_model_column_matches_the_archive()
    {
        using var scratch = new TempDirectory();
        string config = RunTestSupport.WriteConfig(scratch, "search.json", "cppn", target.ModelPath, generations: 10, seed: 5);
        string run = RunTestSupport.RunOnOneThread(config, scratch.File("runs"));
        string other = scratch.File("models/mlp.safetensors");
        (int exit, _, string err) = CliHarness.Run("train", "--model", "mlp", "--epochs", "1", "--train-subset", "3000", "--seed", "9", "--data", CliHarness.Mnist, "--out", other, "--runs", scratch.File("train-runs"));
        Assert.True(exit == 0, err);

        (exit, string output, err) = RunTestSupport.Fooling("transfer", run, "--to", other, "--to", target.ModelPath);
        Assert.True(exit == 0, err);
        Assert.Contains("(mlp)", output);
        Assert.Contains("(lenet)", output);

        // Against the run's own model the "other" column repeats the run's confidences.
        string[] self = File.ReadAllLines(Path.Combine(run, "transfer-lenet.csv"));
        ArchiveSnapshotMessage snapshot = RunTestSupport.Snapshot(run);
        Assert.Equal(snapshot.Elites.Count + 1, self.Length);
        foreach ((EliteMessage elite, string row) in snapshot.Elites.Zip(self.Skip(1)))
        {
            string[] f = row.Split(',');
            Assert.Equal(elite.Cell, int.Parse(f[0], CultureInfo.InvariantCulture));
            Assert.Equal(elite.Confidence, float.Parse(f[1], CultureInfo.InvariantCulture), 6);
            Assert.Equal(elite.Confidence, float.Parse(f[2], CultureInfo.InvariantCulture), 6);
        }

        // Against the MLP: probabilities of the same images, recomputed here.
        LoadedModel mlp = ModelCheckpoint.Load(other);
        var classifier = new ModuleClassifier(mlp.Model, ImageShape.Mnist, 10);
        Dictionary<int, float[]> rendered = RunTestSupport.RenderElites(run);
        var p = new float[10];
        foreach (string row in File.ReadAllLines(Path.Combine(run, "transfer-mlp.csv")).Skip(1))
        {
            string[] f = row.Split(',');
            int cell = int.Parse(f[0], CultureInfo.InvariantCulture);
            classifier.Classify(rendered[cell], 1, p);
            Assert.Equal(p[cell], float.Parse(f[2], CultureInfo.InvariantCulture), 6);
        }

        (exit, _, err) = RunTestSupport.Fooling("transfer", run, "--to", scratch.File("missing.safetensors"));
        Assert.Equal(2, exit);
        Assert.Contains("does not exist", err);
    }
}
