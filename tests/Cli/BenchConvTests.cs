using FoolingCluster.Tests.Shared;
using Xunit;

namespace FoolingCluster.Cli.Tests;

public class BenchConvTests
{
    [Fact]
    public void Bench_conv_quick_writes_every_layer()
    {
        using var scratch = new TempDirectory();
        string md = scratch.File("conv.md");
        (int exit, string output, string err) = CliHarness.Run("bench", "conv", "--quick", "--out", md);
        Assert.True(exit == 0, err);
        string text = File.ReadAllText(md);
        foreach (string figure in new[] { "conv 3×3 64→64 56×56", "its GEMM alone", "conv 7×7/2 3→64 224×224", "depthwise conv 3×3 32 channels 112×112", "max pool 3×3/2 pad 1" })
        {
            Assert.Contains(figure, text);
            Assert.Contains(figure, output);
        }
    }
}
