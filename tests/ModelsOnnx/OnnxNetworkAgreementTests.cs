using System.Diagnostics;
using FoolingCluster.Models.Import.Onnx;
using FoolingCluster.Models.Import.Onnx.Export;
using FoolingCluster.Models.Onnx.Tests.Support;
using Xunit;
using Xunit.Abstractions;
using static FoolingCluster.Models.Import.Onnx.Export.OnnxGraphWriter;

namespace FoolingCluster.Models.Onnx.Tests;

/// <summary>
/// Graphs shaped like ResNet-18, MobileNetV2 and SqueezeNet, imported, give ONNX Runtime's
/// logits within <see cref="Agreement.RelativeTolerance"/> (max abs diff ≤ 1e-4 × max(1, max|y|)).
/// </summary>
public sealed class OnnxNetworkAgreementTests(ITestOutputHelper output)
{
    [Fact]
    public void ResNet18_shaped_graph_at_reduced_width_matches_onnx_runtime() =>
        Check("ResNet-18-shaped, width 8, 224×224, 1000 classes", () => ReferenceGraphs.ResNet18Shaped(width: 8, size: 224, classes: 1000), batch: 2);

    [Fact]
    public void ResNet18_at_real_widths_matches_onnx_runtime() =>
        Check("ResNet-18-shaped, width 64, 224×224, 1000 classes", () => ReferenceGraphs.ResNet18Shaped(width: 64, size: 224, classes: 1000), batch: 1);

    [Fact]
    public void Batch_norm_and_the_relus_fold_into_the_convs_and_adds_of_the_resnet_with_the_bits_of_the_ops_one_after_the_other()
    {
        byte[] bytes = ReferenceGraphs.ResNet18Shaped(width: 16, size: 32, classes: 10);
        OnnxNetwork network = OnnxImporter.Load(bytes, "resnet.onnx");
        network.Eval();

        // 20 convs with their 20 BNs folded in and the 9 ReLUs right after them (the stem's and
        // each block's first), 8 Adds with the ReLUs after them, max pool, GAP, Flatten, Gemm.
        Assert.Equal(20 + 8 + 4, network.StepCount);

        // On the tape the fused steps run their ops one after the other.
        int[] shape = [2, 3, 32, 32];
        float[] images = Agreement.Images(shape, seed: 5);
        using FoolingCluster.Tensors.TensorScope scope = FoolingCluster.Tensors.TensorScope.Begin();
        float[] fused;
        using (FoolingCluster.Tensors.Autograd.NoGradScope.Begin())
        {
            fused = network.Forward(FoolingCluster.Tensors.Tensor.FromArray(images, shape)).ToArray();
        }

        FoolingCluster.Tensors.Tensor x = FoolingCluster.Tensors.Tensor.FromArray(images, shape);
        x.RequiresGrad = true;
        Assert.Equal(network.Forward(x).ToArray(), fused);
    }

    [Fact]
    public void An_add_read_by_a_relu_and_by_another_node_is_not_fused_and_matches_onnx_runtime()
    {
        var graph = new SeededGraph("residual_two_readers", seed: 4);
        var l = new LayerWriter(graph);
        l.Writer.Input("input", null, 3, 12, 12);
        string a = l.Conv("input", 3, 8, 3, 1, 1, bias: true);
        string b = l.Conv("input", 3, 8, 1, 1, 0, bias: true);
        string sum = l.Join("Add", [a, b]);
        string both = l.Join("Add", [l.Unary("Relu", sum), sum]);
        l.Head(both, 8, 5);
        byte[] model = graph.Bytes;

        OnnxNetwork network = OnnxImporter.Load(model, "residual.onnx");
        Assert.Equal(2 + 3 + 3, network.StepCount);
        Check("an Add read by a Relu and an Add", () => model, batch: 2);
    }

    [Fact]
    public void MobileNetV2_shaped_stack_matches_onnx_runtime() =>
        Check("MobileNetV2 stack, 224×224, 1000 classes", () => ReferenceGraphs.MobileNetV2Shaped(size: 224, classes: 1000), batch: 2);

    [Fact]
    public void SqueezeNet_shaped_fire_stack_matches_onnx_runtime() =>
        Check("SqueezeNet fire stack, 224×224, 1000 classes", () => ReferenceGraphs.SqueezeNetShaped(size: 224, classes: 1000), batch: 2);

    [Fact]
    public void LeNet_with_the_view_flatten_pattern_matches_onnx_runtime_at_batch_1_and_3()
    {
        var g = new SeededGraph("lenet_view", seed: 9)
            .Weight("conv.weight", 25, 6, 1, 5, 5).Weight("conv.bias", 25, 6)
            .Weight("fc.weight", 864, 10, 864).Weight("fc.bias", 864, 10);
        OnnxGraphWriter w = g.Writer.Input("input", null, 1, 28, 28)
            .Node("Conv", "/conv/Conv", ["input", "conv.weight", "conv.bias"], ["c"], Ints("kernel_shape", 5, 5))
            .Node("Relu", "/Relu", ["c"], ["r"])
            .Node("MaxPool", "/MaxPool", ["r"], ["p"], Ints("kernel_shape", 2, 2), Ints("strides", 2, 2));
        ImageOpGraphs.ViewFlatten(w, 17, "p", "f")
            .Node("Gemm", "/fc/Gemm", ["f", "fc.weight", "fc.bias"], ["logits"], Int("transB", 1))
            .Output("logits", null, 10);
        byte[] model = g.Bytes;
        foreach (int batch in new[] { 1, 3 })
        {
            Check($"LeNet with x.view(x.size(0), -1), batch {batch}", () => model, batch);
        }
    }

    private void Check(string name, Func<byte[]> build, int batch)
    {
        var clock = Stopwatch.StartNew();
        byte[] model = build();
        long written = clock.ElapsedMilliseconds;
        double diff = Agreement.Check(model, batch);
        output.WriteLine($"{name}, batch {batch}: max abs diff {diff:E2}; graph written in {written} ms, imported and compared in {clock.ElapsedMilliseconds - written} ms");
    }
}
