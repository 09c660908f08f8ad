using FoolingCluster.Models.Architectures;
using FoolingCluster.Models.Data;
using FoolingCluster.Tests.Shared;
using Xunit;

namespace FoolingCluster.Cli.Tests;

/// <summary><c>fooling attack</c> writes the classes it reports for each image, so another framework can check them.</summary>
public class AttackPredictionsTests
{
    [Fact]
    public void Predictions_csv_gives_each_images_label_and_the_classes_of_its_original_and_adversarial()
    {
        using var scratch = new TempDirectory();
        (string model, LeNet net) = QuickModel.Train(scratch);
        string output = scratch.File("fgsm");
        (int exit, _, string err) = CliHarness.Run(
            "attack", "--model", model, "--attack", "fgsm", "--eps", "0.2", "--n", "30", "--data", CliHarness.Mnist, "--out", output);
        Assert.True(exit == 0, err);

        ImageDataset test = MnistDataset.Load(CliHarness.Mnist, MnistSplit.Test, limit: 30);
        int[] clean = QuickModel.Predict(net, test.Images);
        int[] attacked = QuickModel.Predict(net, IdxReader.Read(Path.Combine(output, "adversarial-images.idx3")).Floats!);
        string[] lines = File.ReadAllLines(Path.Combine(output, "predictions.csv"));
        Assert.Equal("index,label,clean_prediction,adversarial_prediction", lines[0]);
        Assert.Equal(
            Enumerable.Range(0, 30).Select(i => $"{i},{test.Labels[i]},{clean[i]},{attacked[i]}"),
            lines.Skip(1));
        Assert.Contains(Enumerable.Range(0, 30), i => clean[i] != attacked[i]);
    }
}
