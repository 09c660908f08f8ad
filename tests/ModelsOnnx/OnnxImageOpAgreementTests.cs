using FoolingCluster.Models.Onnx.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace FoolingCluster.Models.Onnx.Tests;

/// <summary>Each op of the ImageNet classifiers, with its edge attributes, gives ONNX Runtime's output within <see cref="Agreement.RelativeTolerance"/>.</summary>
public sealed class OnnxImageOpAgreementTests(ITestOutputHelper output)
{
    public static TheoryData<string> Cases => [.. ImageOpGraphs.All.Keys];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Imported_op_matches_onnx_runtime(string name)
    {
        double diff = Agreement.Check(ImageOpGraphs.All[name](), batch: 3);
        output.WriteLine($"{name}: max abs diff {diff:E2}");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void The_view_flatten_pattern_follows_the_batch_size(int batch)
    {
        foreach (string name in ImageOpGraphs.All.Keys.Where(k => k.StartsWith("Shape Gather", StringComparison.Ordinal)))
        {
            double diff = Agreement.Check(ImageOpGraphs.All[name](), batch);
            output.WriteLine($"{name} at batch {batch}: max abs diff {diff:E2}");
        }
    }
}
