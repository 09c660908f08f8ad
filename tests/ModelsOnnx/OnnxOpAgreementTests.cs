using FoolingCluster.Models.Onnx.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace FoolingCluster.Models.Onnx.Tests;

/// <summary>Each supported op, imported, gives ONNX Runtime's output within <see cref="Agreement.RelativeTolerance"/>.</summary>
public sealed class OnnxOpAgreementTests(ITestOutputHelper output)
{
    public static TheoryData<string> Cases => [.. OpGraphs.All.Keys];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Imported_op_matches_onnx_runtime(string name)
    {
        byte[] model = OpGraphs.All[name]();
        int batch = name.Contains("transA", StringComparison.Ordinal) ? 2 : 3;
        double diff = Agreement.Check(model, batch);
        output.WriteLine($"{name}: max abs diff {diff:E2}");
    }

    [Fact]
    public void LeNet_shaped_graph_matches_onnx_runtime()
    {
        double diff = Agreement.Check(TestGraphs.LeNetShaped(), batch: 4);
        output.WriteLine($"LeNet-shaped: max abs diff {diff:E2}");
    }

    [Fact]
    public void Mlp_shaped_graph_matches_onnx_runtime()
    {
        double diff = Agreement.Check(TestGraphs.MlpShaped(), batch: 4);
        output.WriteLine($"MLP-shaped: max abs diff {diff:E2}");
    }
}
