using System.Globalization;
using FoolingCluster.Models.Checkpoints;
using FoolingCluster.Models.Data;
using FoolingCluster.Models.Training;
using FoolingCluster.Tensors;
using FoolingCluster.Tensors.Autograd;
using FoolingCluster.Tests.Shared;
using Xunit;

namespace FoolingCluster.Cli.Tests;

/// <summary>
/// <c>fooling retrain</c> on a small budget: three rounds complete, every network's figures are
/// recomputed here from the files the loop left, and a loop cut short resumes where it stopped.
/// </summary>
[Collection(RunTestGroup.Name)]
public sealed class RetrainCommandTests : IDisposable
{
    private readonly TempDirectory _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public void Three_rounds_leave_four_networks_whose_figures_hold_and_a_cut_loop_resumes()
    {
        string config = WriteConfigs();
        (int exit, string output, string err) = RunTestSupport.Fooling("retrain", "--config", config, "--runs", _scratch.File("runs"));
        Assert.True(exit == 0, $"{err}\n{output}");
        string run = RunTestSupport.SingleRunFolder(_scratch.File("runs"));
        foreach (string file in new[] { "retrain.md", "retrain.csv", "retrain.svg" })
        {
            Assert.True(File.Exists(Path.Combine(run, file)), file);
        }

        string[] csv = File.ReadAllLines(Path.Combine(run, "retrain.csv"));
        string[] header = csv[0].Split(',');
        Assert.Equal(5, csv.Length);
        string Cell(int network, string column) => csv[network].Split(',')[Array.IndexOf(header, column)];
        ImageDataset test = MnistDataset.Load(CliHarness.Mnist, MnistSplit.Test);
        int trainedOn = 0;
        for (int k = 1; k <= 4; k++)
        {
            string folder = Path.Combine(run, $"network-{k:D2}");
            Assert.True(File.Exists(Path.Combine(folder, "search", "elites.png")));
            LoadedModel model = ModelCheckpoint.Load(Path.Combine(folder, "model.safetensors"));
            Assert.Equal(k == 1 ? 10 : 11, model.Sidecar.Classes);
            Assert.Equal(k == 1 ? null : 10, model.Sidecar.FoolingClass);
            Assert.Equal(trainedOn.ToString(CultureInfo.InvariantCulture), Cell(k, "fooling_train_images"));
            double clean = Evaluation.Evaluate(model.Model, test, model.Sidecar.Classes).Accuracy;
            Assert.Equal(clean, double.Parse(Cell(k, "clean_accuracy"), CultureInfo.InvariantCulture), 9);
            if (k > 1)
            {
                byte[] heldOut = IdxReader.Read(Path.Combine(run, $"network-{k - 1:D2}", "fooling-heldout-images.idx")).Bytes!;
                double rejected = FoolingClassFraction(model, heldOut);
                Assert.Equal(rejected, double.Parse(Cell(k, "held_out_rejected"), CultureInfo.InvariantCulture), 9);
            }

            if (k < 4)
            {
                int added = IdxReader.Read(Path.Combine(folder, "fooling-train-images.idx")).Bytes!.Length / 784;
                Assert.True(added > 0, $"network {k}'s search gave no fooling images");
                trainedOn += added;
            }
        }

        // Cut the last network short, as a crash would, and resume: the first three are not redone.
        string last = Path.Combine(run, "network-04");
        File.Delete(Path.Combine(last, "metrics.json"));
        DateTime untouched = File.GetLastWriteTimeUtc(Path.Combine(run, "network-03", "model.safetensors"));
        (exit, output, err) = RunTestSupport.Fooling("retrain", "--resume", run);
        Assert.True(exit == 0, $"{err}\n{output}");
        Assert.Contains("network 3: done in an earlier run", output);
        Assert.Equal(untouched, File.GetLastWriteTimeUtc(Path.Combine(run, "network-03", "model.safetensors")));
        Assert.True(File.Exists(Path.Combine(last, "metrics.json")));
        Assert.Equal(csv, File.ReadAllLines(Path.Combine(run, "retrain.csv")).Select((line, i) => i == 4 ? csv[4] : line).ToArray());
    }

    [Theory]
    [InlineData("\"iterations\": 3, \"mdoe\": \"scratch\"", "mdoe")]
    [InlineData("\"mode\": \"warm\"", "mode must be 'scratch' or 'finetune'")]
    [InlineData("\"heldOutFraction\": 1", "heldOutFraction must be in [0, 1)")]
    public void Bad_configurations_are_explained_with_exit_code_2(string body, string expected)
    {
        string path = _scratch.File("bad.json");
        File.WriteAllText(path, "{ " + body + " }");
        (int exit, _, string err) = RunTestSupport.Fooling("retrain", "--config", path, "--runs", _scratch.File("runs"));
        Assert.Equal(2, exit);
        Assert.Contains(expected, err);
        Assert.DoesNotContain("   at ", err);
    }

    [Fact]
    public void Resuming_a_folder_that_is_no_loop_is_refused()
    {
        (int exit, _, string err) = RunTestSupport.Fooling("retrain", "--resume", _scratch.Path);
        Assert.Equal(2, exit);
        Assert.Contains("not a run folder of `fooling retrain`", err);
    }

    /// <summary>A loop small enough for a test: LeNet on 6,000 digits for one epoch, 40-generation searches.</summary>
    private string WriteConfigs() => WriteConfigs(_scratch, iterations: 3, generations: 40);

    /// <summary>A loop of <paramref name="iterations"/> rounds: LeNet on 6,000 digits for one epoch, searches of <paramref name="generations"/> generations.</summary>
    internal static string WriteConfigs(TempDirectory scratch, int iterations, int generations)
    {
        string mnist = CliHarness.Mnist.Replace("\\", "/", StringComparison.Ordinal);
        string training = scratch.File("train.json");
        File.WriteAllText(training, $$"""
            { "model": "lenet", "epochs": 1, "seed": 1, "batchSize": 64, "learningRate": 0.02, "momentum": 0.9, "weightDecay": 0.0005,
              "lrPolicy": "fixed", "trainSubset": 6000, "data": "{{mnist}}", "out": "{{scratch.File("unused.safetensors").Replace("\\", "/", StringComparison.Ordinal)}}" }
            """);
        string search = RunTestSupport.WriteConfig(scratch, "search.json", "cppn", "unused", generations: generations, seed: 3, initialPopulation: 200, batchSize: 400);
        string loop = scratch.File("retrain.json");
        File.WriteAllText(loop, $$"""
            { "iterations": {{iterations}}, "search": "{{search.Replace("\\", "/", StringComparison.Ordinal)}}", "training": "{{training.Replace("\\", "/", StringComparison.Ordinal)}}",
              "retrainEpochs": 1, "initialImages": 300, "imagesPerIteration": 100, "minConfidence": 0.99, "pgdImages": 100, "pgdSteps": 10, "data": "{{mnist}}" }
            """);
        return loop;
    }

    private static double FoolingClassFraction(LoadedModel model, byte[] pixels)
    {
        int n = pixels.Length / 784;
        using TensorScope scope = TensorScope.Begin();
        using NoGradScope noGrad = NoGradScope.Begin();
        Tensor logits = model.Model.Forward(Tensor.FromArray([.. pixels.Select(p => p / 255f)], n, 1, 28, 28));
        return Enumerable.Range(0, n).Count(i => Evaluation.ArgMax(logits.Span.Slice(i * 11, 11)) == 10) / (double)n;
    }
}
