using FoolingCluster.Models.Import.Onnx.Export;
using static FoolingCluster.Models.Import.Onnx.Export.OnnxGraphWriter;

namespace FoolingCluster.Models.Onnx.Tests.Support;

/// <summary>ONNX graphs with seeded weights, written the way <c>torch.onnx.export</c> writes them.</summary>
internal static class TestGraphs
{
    /// <summary>Conv→MaxPool→Conv→MaxPool→Flatten→Gemm→Relu→Gemm on <c>[N,1,28,28]</c>, LeNet's shape with fewer filters.</summary>
    public static byte[] LeNetShaped(int seed = 5)
    {
        var g = new SeededGraph("lenet_shaped", seed: seed)
            .Weight("conv1.weight", 25, 6, 1, 5, 5).Weight("conv1.bias", 25, 6)
            .Weight("conv2.weight", 150, 8, 6, 5, 5).Weight("conv2.bias", 150, 8)
            .Weight("fc1.weight", 128, 32, 128).Weight("fc1.bias", 128, 32)
            .Weight("fc2.weight", 32, 10, 32).Weight("fc2.bias", 32, 10);
        g.Writer.Input("input", null, 1, 28, 28)
            .Node("Conv", "/conv1/Conv", ["input", "conv1.weight", "conv1.bias"], ["c1"], Ints("dilations", 1, 1), Int("group", 1), Ints("kernel_shape", 5, 5), Ints("pads", 0, 0, 0, 0), Ints("strides", 1, 1))
            .Node("MaxPool", "/MaxPool", ["c1"], ["p1"], Int("ceil_mode", 0), Ints("kernel_shape", 2, 2), Ints("pads", 0, 0, 0, 0), Ints("strides", 2, 2))
            .Node("Conv", "/conv2/Conv", ["p1", "conv2.weight", "conv2.bias"], ["c2"], Ints("kernel_shape", 5, 5), Ints("strides", 1, 1))
            .Node("MaxPool", "/MaxPool_1", ["c2"], ["p2"], Ints("kernel_shape", 2, 2), Ints("strides", 2, 2))
            .Node("Flatten", "/Flatten", ["p2"], ["f"], Int("axis", 1))
            .Node("Gemm", "/fc1/Gemm", ["f", "fc1.weight", "fc1.bias"], ["h"], Float("alpha", 1f), Float("beta", 1f), Int("transB", 1))
            .Node("Relu", "/Relu", ["h"], ["r"])
            .Node("Gemm", "/fc2/Gemm", ["r", "fc2.weight", "fc2.bias"], ["logits"], Float("alpha", 1f), Float("beta", 1f), Int("transB", 1))
            .Output("logits", null, 10);
        return g.Bytes;
    }

    /// <summary>Reshape [−1,784]→MatMul+Add→Relu→Gemm on <c>[N,1,28,28]</c>, an MLP exported from <c>x @ W + b</c>.</summary>
    public static byte[] MlpShaped(int seed = 6)
    {
        var g = new SeededGraph("mlp_shaped", seed: seed)
            .Weight("w1", 784, 784, 64).Weight("b1", 784, 64)
            .Weight("fc2.weight", 64, 10, 64).Weight("fc2.bias", 64, 10);
        g.Writer.Int64Initializer("shape", [-1, 784], 2);
        g.Writer.Input("input", null, 1, 28, 28)
            .Node("Reshape", "/Reshape", ["input", "shape"], ["x"])
            .Node("MatMul", "/MatMul", ["x", "w1"], ["m"])
            .Node("Add", "/Add", ["m", "b1"], ["a"])
            .Node("Relu", "/Relu", ["a"], ["r"])
            .Node("Gemm", "/fc2/Gemm", ["r", "fc2.weight", "fc2.bias"], ["logits"], Int("transB", 1))
            .Output("logits", null, 10);
        return g.Bytes;
    }
}
