using FoolingCluster.Tests.Shared;
using Xunit;

namespace FoolingCluster.Cli.Tests;

public class BenchModelsTests
{
    [Fact]
    public void Bench_models_quick_writes_every_row()
    {
        using var scratch = new TempDirectory();
        string md = scratch.File("models.md");
        (int exit, string output, string err) = CliHarness.Run("bench", "models", "--quick", "--out", md);
        Assert.True(exit == 0, err);
        string text = File.ReadAllText(md);
        string resnet = "ResNet-18-shaped, width 8, 64×64, 1,000 classes";
        // Forward and gradient tables; batch 16 also in the search table.
        foreach ((string row, int times) in new[] { ("| lenet (imported) | 256 |", 2), ($"| {resnet} | 1 |", 2), ($"| {resnet} | 16 |", 3) })
        {
            Assert.Equal(times, text.Split(row).Length - 1);
        }

        Assert.Contains($"{resnet} colour CPPN evaluation, batch=16", output);
        Assert.Contains("| ONNX Runtime images/s (best) | engine / ONNX Runtime (median of paired trials) |", text);
        Assert.Contains("median of paired trials", output);
        Assert.Contains("| target | batch | evaluations/s |", text);
        Assert.Contains("1 inter-op thread", text);
        Assert.Contains("load average", text);
        foreach (string figure in new[] { "lenet (imported) forward, batch=256, ONNX Runtime", $"{resnet} forward, batch=16, engine", $"{resnet} input gradient, batch=1" })
        {
            Assert.Contains(figure, output);
        }
    }
}
