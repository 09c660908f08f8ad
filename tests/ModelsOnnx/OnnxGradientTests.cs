using FoolingCluster.Models.Import.Onnx;
using FoolingCluster.Models.Import.Onnx.Export;
using FoolingCluster.Models.Onnx.Tests.Support;
using FoolingCluster.Tensors;
using FoolingCluster.Tensors.Autograd;
using Xunit;

namespace FoolingCluster.Models.Onnx.Tests;

/// <summary>
/// Gradients through imported graphs equal central finite differences of their forward, the
/// objective <c>L = Σ wᵢ·yᵢ</c> (fixed random w) summed in double as tests/Tensors' GradCheck does.
/// </summary>
public sealed class OnnxGradientTests
{
    [Fact]
    public void Input_gradient_of_the_lenet_shaped_graph_matches_finite_differences()
    {
        OnnxNetwork network = OnnxImporter.Load(TestGraphs.LeNetShaped(), "lenet.onnx");
        Tensor x = Tensor.FromArray(Agreement.Images([2, 1, 28, 28], seed: 3), 2, 1, 28, 28);
        // Pixels near the middle of both images, where every filter sees them.
        int[] pixels = [(10 * 28) + 12, (14 * 28) + 14, (15 * 28) + 9, (18 * 28) + 17, 784 + (12 * 28) + 13, 784 + (16 * 28) + 15, 784 + (13 * 28) + 18];
        CheckInputs(network, [x], [pixels], h: 1e-3);
    }

    // Smooth graphs only: a ±h step across a ReLU or max-pool kink would make the difference
    // quotient meaningless; the LeNet test above covers those on pixels away from kinks.
    [Theory]
    [InlineData("Add Sub Mul Div broadcasting")]
    [InlineData("Gemm alpha beta with bias row")]
    [InlineData("Gemm transA and run-time B")]
    [InlineData("Conv pads 1 stride 2")]
    [InlineData("Softmax opset 17")]
    [InlineData("LogSoftmax")]
    public void Gradients_of_an_op_graph_match_finite_differences_for_input_and_weights(string name)
    {
        OnnxNetwork network = OnnxImporter.Load(OpGraphs.All[name](), "op.onnx");
        int batch = name.Contains("transA", StringComparison.Ordinal) ? 2 : 3;
        int[] shape = [batch, .. network.Info.ImageShape];
        Tensor x = Tensor.FromArray(Agreement.Images(shape, seed: 4), shape);
        Tensor[] tensors = [x, .. network.Parameters()];
        CheckInputs(network, tensors, [.. tensors.Select(t => Enumerable.Range(0, t.Size).ToArray())], h: 1e-2);
    }

    // Input gradients through the new ops, on smooth graphs (clips and leaky kinks are avoided by h ≪ distance to them at these seeds).
    [Theory]
    [InlineData("Conv asymmetric pads, strides 2×1, dilations 2×1")]
    [InlineData("Conv depthwise 3×3 stride 2 pad 1")]
    [InlineData("Conv auto_pad SAME_LOWER stride 2")]
    [InlineData("AveragePool pads ceil_mode count_include_pad 1")]
    [InlineData("BatchNormalization folded into Conv")]
    [InlineData("BatchNormalization alone and after a shared Conv")]
    [InlineData("Concat on channels")]
    [InlineData("Pad constant value, asymmetric")]
    [InlineData("Softmax on the last axis of rank 4")]
    [InlineData("MatMul of stacked matrices")]
    [InlineData("Shape Gather Unsqueeze Concat Reshape flatten (opset 13)")]
    public void Input_gradient_of_an_image_op_graph_matches_finite_differences(string name)
    {
        OnnxNetwork network = OnnxImporter.Load(ImageOpGraphs.All[name](), "op.onnx");
        int[] shape = [2, .. network.Info.ImageShape];
        Tensor x = Tensor.FromArray(Agreement.Images(shape, seed: 4), shape);
        CheckInputs(network, [x], [Enumerable.Range(0, x.Size).ToArray()], h: 1e-2);
    }

    // Small versions of the networks; pixels spread over the image, h small against the kinks of ReLU, ReLU6 and max pooling.
    [Theory]
    [InlineData("ResNet-18")]
    [InlineData("MobileNetV2")]
    [InlineData("SqueezeNet")]
    public void Input_gradient_of_a_small_network_matches_finite_differences(string name)
    {
        byte[] model = name switch
        {
            "ResNet-18" => ReferenceGraphs.ResNet18Shaped(width: 4, size: 32, classes: 10),
            "MobileNetV2" => ReferenceGraphs.MobileNetV2Shaped(size: 32, classes: 10),
            _ => ReferenceGraphs.SqueezeNetShaped(size: 32, classes: 10),
        };
        OnnxNetwork network = OnnxImporter.Load(model, "net.onnx");
        int[] shape = [1, .. network.Info.ImageShape];
        Tensor x = Tensor.FromArray(Agreement.Images(shape, seed: 3), shape);
        int[] pixels = [.. Enumerable.Range(0, 12).Select(i => (i * 251) % x.Size)];
        CheckInputs(network, [x], [pixels], h: 1e-3);
    }

    /// <summary>Checks ∂L/∂t[i] for each listed element i of each tensor t against (L(t+h) − L(t−h)) / 2h.</summary>
    private static void CheckInputs(OnnxNetwork network, Tensor[] tensors, int[][] elements, double h)
    {
        Tensor x = tensors[0];
        x.RequiresGrad = true;
        Tensor y = network.Forward(x);
        var rng = new Random(7);
        float[] w = [.. Enumerable.Range(0, y.Size).Select(_ => (float)((rng.NextDouble() * 2) - 1))];
        Tensor[] analytic = Tape.Grad(y, tensors, Tensor.FromArray(w, y.Shape));
        for (int k = 0; k < tensors.Length; k++)
        {
            Tensor t = tensors[k];
            foreach (int i in elements[k])
            {
                float saved = t[i];
                t[i] = (float)(saved + h);
                double plus = Objective(network, x, w);
                t[i] = (float)(saved - h);
                double minus = Objective(network, x, w);
                t[i] = saved;
                double numeric = (plus - minus) / (2 * h);
                double got = analytic[k][i];
                double scale = Math.Max(Math.Abs(numeric), Math.Abs(got));
                Assert.True(Math.Abs(numeric - got) <= 2e-3 + (2e-2 * scale), $"tensor {k} element {i}: analytic {got:G6}, numeric {numeric:G6}");
            }
        }
    }

    private static double Objective(OnnxNetwork network, Tensor x, float[] w)
    {
        using TensorScope scope = TensorScope.Begin();
        using NoGradScope noGrad = NoGradScope.Begin();
        ReadOnlySpan<float> ys = network.Forward(x).Span;
        double sum = 0;
        for (int i = 0; i < ys.Length; i++)
        {
            sum += (double)w[i] * ys[i];
        }

        return sum;
    }
}
