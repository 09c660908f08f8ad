using FoolingCluster.Tensors.Ops;
using Xunit;

namespace FoolingCluster.Tensors.Tests.Support;

/// <summary>
/// A fused convolution op on the tape against its ops run one after the other: the input
/// gradients through a seeded 3×3 convolution (padding 1, with bias) of two 6×6 images must be
/// the same bits, and not all zero.
/// </summary>
public static class FusedConvGradient
{
    /// <summary>A convolution op given its weight, bias, options and packed-weight cache: x → y.</summary>
    public delegate Tensor ConvOp(Tensor x, Tensor weight, Tensor bias, Conv2dOptions options, ConvWeightCache cache);

    /// <summary>Asserts that <paramref name="fused"/> and <paramref name="separate"/> give the same input gradient.</summary>
    /// <param name="seed">Seed of the weight, bias, images and output gradient, drawn in that order.</param>
    /// <param name="channels">C of the images <c>[2, C, 6, 6]</c>.</param>
    /// <param name="filters">OC of the weight <c>[OC, C, 3, 3]</c>.</param>
    /// <param name="outputShape">The ops' output shape, which the output gradient takes.</param>
    /// <param name="fused">The fused op.</param>
    /// <param name="separate">The same ops one after the other.</param>
    public static void AssertSameAsSeparate(int seed, int channels, int filters, int[] outputShape, ConvOp fused, ConvOp separate)
    {
        var rng = new Random(seed);
        Tensor weight = Tensor.FromArray(ConvReference.Random(rng, filters * channels * 9), filters, channels, 3, 3);
        Tensor bias = Tensor.FromArray(ConvReference.Random(rng, filters), filters);
        var options = new Conv2dOptions { Padding = new Padding2d(1, 1, 1, 1) };
        var cache = new ConvWeightCache();
        int[] shape = [2, channels, 6, 6];
        float[] images = ConvReference.Random(rng, 2 * channels * 6 * 6);
        Tensor outputGradient = Tensor.FromArray(ConvReference.Random(rng, outputShape.Aggregate(1, (a, b) => a * b)), outputShape);

        float[] fusedGradient = GradCheck.InputGradient(images, shape, outputGradient, x => fused(x, weight, bias, options, cache));
        float[] separateGradient = GradCheck.InputGradient(images, shape, outputGradient, x => separate(x, weight, bias, options, cache));
        Assert.Equal(separateGradient, fusedGradient);
        Assert.Contains(fusedGradient, g => g != 0f);
    }
}
