using FoolingCluster.Tensors.Autograd;
using FoolingCluster.Tensors.Ops;
using FoolingCluster.Tensors.Tests.Support;
using Xunit;

namespace FoolingCluster.Tensors.Tests;

/// <summary>
/// A convolution with its ReLU applied as the kernel writes (<see cref="Functional.Conv2dRelu"/>)
/// gives the bits of the convolution then <see cref="Functional.Relu"/>, on every path a packed
/// weight takes: Winograd's, the direct product in phase planes and width-unfolded, the unfolding
/// path and the depthwise kernel; on one thread, on two for one image, and over a batch; and on
/// the tape it runs the two ops, so gradients flow.
/// </summary>
public class ConvReluTests
{
    /// <summary>N, C, H, W, OC, K, stride, pad, groups, bias (1 or 0).</summary>
    [Theory]
    [InlineData(2, 16, 12, 12, 16, 3, 1, 1, 1, 1)]   // Winograd
    [InlineData(1, 16, 11, 13, 16, 3, 1, 1, 1, 0)]   // Winograd, odd outputs, one image over two threads, no bias
    [InlineData(2, 8, 30, 30, 20, 3, 2, 1, 1, 1)]    // direct, phase planes
    [InlineData(1, 8, 30, 30, 20, 3, 2, 1, 1, 0)]    // direct, one image over two threads, no bias
    [InlineData(2, 20, 12, 12, 50, 5, 1, 0, 1, 1)]   // direct, width-unfolded (LeNet's second layer)
    [InlineData(2, 8, 9, 9, 12, 1, 1, 0, 1, 1)]      // pointwise: the unfolding path
    [InlineData(2, 6, 10, 10, 6, 3, 1, 1, 6, 1)]     // depthwise
    public void Fused_relu_gives_the_bits_of_convolution_then_relu(int n, int c, int h, int w, int oc, int k, int stride, int pad, int groups, int withBias)
    {
        var rng = new Random(n + c + h + w + k);
        Tensor x = Tensor.FromArray(ConvReference.Random(rng, n * c * h * w), n, c, h, w);
        Tensor weight = Tensor.FromArray(ConvReference.Random(rng, oc * (c / groups) * k * k), oc, c / groups, k, k);
        Tensor? bias = withBias == 1 ? Tensor.FromArray(ConvReference.Random(rng, oc), oc) : null;
        var options = new Conv2dOptions { StrideHeight = stride, StrideWidth = stride, Groups = groups, Padding = new Padding2d(pad, pad, pad, pad) };
        foreach (int threads in new[] { 1, 2 })
        {
            using Engine.ThreadLimit limit = Engine.OnThisThread(threads);
            using TensorScope scope = TensorScope.Begin();
            using NoGradScope noGrad = NoGradScope.Begin();
            var cache = new ConvWeightCache();
            float[] separate = Functional.Relu(Functional.Conv2d(x, weight, bias, options, cache)).ToArray();
            float[] fused = Functional.Conv2dRelu(x, weight, bias, options, cache).ToArray();
            Assert.Equal(separate, fused);
            Assert.Contains(fused, v => v == 0f);
            Assert.Contains(fused, v => v > 0f);
        }
    }

    [Fact]
    public void On_the_tape_the_fused_op_runs_both_ops_and_gives_their_gradients() =>
        FusedConvGradient.AssertSameAsSeparate(
            seed: 9,
            channels: 16,
            filters: 16,
            outputShape: [2, 16, 6, 6],
            (x, w, b, options, cache) => Functional.Conv2dRelu(x, w, b, options, cache),
            (x, w, b, options, cache) => Functional.Relu(Functional.Conv2d(x, w, b, options, cache)));
}
