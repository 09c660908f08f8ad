using FoolingCluster.Tensors.Autograd;
using FoolingCluster.Tensors.Ops;
using FoolingCluster.Tensors.Tests.Support;
using Xunit;

namespace FoolingCluster.Tensors.Tests;

/// <summary>
/// A convolution fused with the 2×2 max pooling after it (<see cref="Functional.Conv2dMaxPool2x2"/>)
/// gives the bits of the two ops run one after the other: pooled as the product is copied out on
/// one thread per image and on two threads for one image, with and without a bias, odd output
/// sizes dropping their last row and column; and on the tape it runs the two ops, so gradients flow.
/// </summary>
public class ConvMaxPoolTests
{
    /// <summary>N, C, H, W, OC, K, pad, bias (1 or 0).</summary>
    [Theory]
    [InlineData(3, 1, 28, 28, 20, 5, 0, 1)]    // LeNet's first layer on three images
    [InlineData(1, 1, 28, 28, 20, 5, 0, 1)]    // one image: its product split over threads
    [InlineData(2, 4, 17, 19, 7, 3, 0, 0)]     // 15×17 outputs: the last row and column dropped; no bias
    [InlineData(1, 6, 30, 26, 13, 3, 2, 1)]    // padded, one image
    public void Fused_pooling_gives_the_bits_of_convolution_then_pooling(int n, int c, int h, int w, int oc, int k, int pad, int withBias)
    {
        var rng = new Random(n + c + h + w);
        Tensor x = Tensor.FromArray(ConvReference.Random(rng, n * c * h * w), n, c, h, w);
        Tensor weight = Tensor.FromArray(ConvReference.Random(rng, oc * c * k * k), oc, c, k, k);
        Tensor? bias = withBias == 1 ? Tensor.FromArray(ConvReference.Random(rng, oc), oc) : null;
        var options = new Conv2dOptions { Padding = new Padding2d(pad, pad, pad, pad) };
        foreach (int threads in new[] { 1, 2 })
        {
            using Engine.ThreadLimit limit = Engine.OnThisThread(threads);
            using TensorScope scope = TensorScope.Begin();
            using NoGradScope noGrad = NoGradScope.Begin();
            var cache = new ConvWeightCache();
            float[] separate = Functional.MaxPool2d(Functional.Conv2d(x, weight, bias, options, cache), 2, 2).ToArray();
            Tensor fused = Functional.Conv2dMaxPool2x2(x, weight, bias, options, cache);
            Assert.Equal(new[] { n, oc, (h + (2 * pad) - k + 1) / 2, (w + (2 * pad) - k + 1) / 2 }, fused.Shape);
            Assert.Equal(separate, fused.ToArray());
        }
    }

    [Fact]
    public void On_the_tape_the_fused_op_runs_both_ops_and_gives_their_gradients() =>
        FusedConvGradient.AssertSameAsSeparate(
            seed: 5,
            channels: 2,
            filters: 4,
            outputShape: [2, 4, 3, 3],
            (x, w, b, options, cache) => Functional.Conv2dMaxPool2x2(x, w, b, options, cache),
            (x, w, b, options, cache) => Functional.MaxPool2d(Functional.Conv2d(x, w, b, options, cache), 2, 2));
}
