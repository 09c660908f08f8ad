using FoolingCluster.Tensors.Kernels;
using FoolingCluster.Tensors.Ops;
using FoolingCluster.Tensors.Tests.Support;
using Xunit;

namespace FoolingCluster.Tensors.Tests.Kernels;

/// <summary>
/// 3×3, stride-1 convolutions by F(2×2, 3×3) (<see cref="WinogradConvKernel"/>) against the
/// definition accumulated in double, for every blocked microkernel: odd output sizes (tiles half
/// outside the image), pads on some sides only or none, depths past one block, filters not a
/// multiple of the microkernel's rows, several blocks of tiles, several images, and images split
/// over threads by blocks and by rows of filters; and the same bits whatever the thread count.
/// </summary>
public unsafe class WinogradConvKernelTests
{
    private static readonly GemmKernelKind[] s_kinds = [GemmKernelKind.Scalar, GemmKernelKind.Vector256, GemmKernelKind.Vector512];

    /// <summary>N, C, H, W, OC, pt, pl, pb, pr.</summary>
    public static TheoryData<int[]> Cases() => new()
    {
        new[] { 1, 16, 7, 7, 20, 1, 1, 1, 1 },       // ResNet's last stage: 4×4 tiles for 7×7 outputs, one block
        new[] { 2, 17, 14, 14, 16, 1, 1, 1, 1 },     // two images, 7×7 tiles
        new[] { 1, 300, 9, 11, 18, 1, 1, 1, 1 },     // depth 300: one block of 256 and a short one
        new[] { 1, 16, 33, 40, 17, 1, 1, 1, 1 },     // many blocks of tiles, filters past the last row tile
        new[] { 1, 20, 12, 13, 24, 0, 0, 0, 0 },     // no padding: 10×11 outputs, the last tile column half outside
        new[] { 3, 16, 15, 18, 16, 2, 0, 1, 2 },     // pads on some sides only, uneven
        new[] { 1, 24, 56, 56, 16, 1, 1, 1, 1 },     // a wide image: whole vectors of eight tiles
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Convolutions_by_winograd_tiles_match_the_definition(int[] s)
    {
        var g = new GeneralConvGeometry(s[0], s[1], s[2], s[3], s[4], 3, 3, 1, 1, s[5], s[6], s[7], s[8], 1, 1, 1);
        (float[] x, float[] weight, float[] bias, double[] expected, double[] expectedWithoutBias) = ConvReference.ForwardCaseOf(g, s.Sum());
        foreach (GemmKernelKind kind in s_kinds)
        {
            if (!WinogradConvKernel.Applies(g, kind))
            {
                // A 64-column microkernel wastes too many columns on a small image; the direct product runs it.
                Assert.Equal(GemmKernelKind.Vector512, kind);
                continue;
            }

            WinogradWeight transformed = WinogradWeight.Pack(kind, weight, g.OutChannels, g.Channels);
            float[]? single = null;
            foreach (int threads in new[] { 1, 2, 3 })
            {
                float[] y = Enumerable.Repeat(float.NaN, expected.Length).ToArray();
                ConvKernel.ForwardWinograd(g, x, transformed, bias, y, threads);
                ConvReference.AssertClose(expected, y, $"{kind} {g} threads {threads}");
                single ??= (float[])y.Clone();
                Assert.Equal(single, y);
                y.AsSpan().Fill(float.NaN);
                ConvKernel.ForwardWinograd(g, x, transformed, default, y, threads);
                ConvReference.AssertClose(expectedWithoutBias, y, $"{kind} without bias {g} threads {threads}");
            }
        }
    }

    [Fact]
    public void Only_ungrouped_undilated_stride_one_3x3_convolutions_with_enough_channels_run_by_winograd_tiles()
    {
        var resnet = new GeneralConvGeometry(1, 64, 56, 56, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1);
        Assert.True(WinogradConvKernel.Applies(resnet, GemmKernelKind.Vector256));
        Assert.True(WinogradConvKernel.Applies(resnet, GemmKernelKind.Vector512));
        Assert.False(WinogradConvKernel.Applies(resnet with { StrideHeight = 2, StrideWidth = 2 }, GemmKernelKind.Vector256));
        Assert.False(WinogradConvKernel.Applies(resnet with { DilationHeight = 2, PadTop = 2, PadBottom = 2 }, GemmKernelKind.Vector256));
        Assert.False(WinogradConvKernel.Applies(resnet with { Groups = 2 }, GemmKernelKind.Vector256));
        Assert.False(WinogradConvKernel.Applies(resnet with { KernelHeight = 5, KernelWidth = 5, PadTop = 2, PadLeft = 2, PadBottom = 2, PadRight = 2 }, GemmKernelKind.Vector256));
        Assert.False(WinogradConvKernel.Applies(resnet with { Channels = 3 }, GemmKernelKind.Vector256));
        Assert.False(WinogradConvKernel.Applies(resnet, GemmKernelKind.Direct));

        // ResNet's last stage: 16 tiles fill a 16-column tile but a quarter of a 64-column one.
        var last = new GeneralConvGeometry(1, 512, 7, 7, 512, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1);
        Assert.True(WinogradConvKernel.Applies(last, GemmKernelKind.Vector256));
        Assert.False(WinogradConvKernel.Applies(last, GemmKernelKind.Vector512));
    }

    [Fact]
    public void A_cached_convolution_transforms_its_weight_once_and_again_when_the_weight_changes()
    {
        var g = new GeneralConvGeometry(2, 16, 10, 10, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1);
        if (!WinogradConvKernel.Applies(g, Gemm.BestKernel()))
        {
            return;
        }

        (float[] x, float[] weight, float[] bias, double[] expected, _) = ConvReference.ForwardCaseOf(g, 7);
        Tensor tx = Tensor.FromArray(x, 2, 16, 10, 10), tw = Tensor.FromArray(weight, 16, 16, 3, 3), tb = Tensor.FromArray(bias, 16);
        var cache = new ConvWeightCache();
        var options = new Conv2dOptions { Padding = new Padding2d(1, 1, 1, 1) };
        ConvReference.AssertClose(expected, Functional.Conv2d(tx, tw, tb, options, cache).Span, "first call");
        ConvReference.AssertClose(expected, Functional.Conv2d(tx, tw, tb, options, cache).Span, "second call");
        Assert.Equal(1, cache.Packings);

        tw[0] = tw[0] + 1f;
        weight[0] += 1f;
        double[] changed = ConvReference.Forward(g, x, weight, bias);
        ConvReference.AssertClose(changed, Functional.Conv2d(tx, tw, tb, options, cache).Span, "after the weight changed");
        Assert.Equal(2, cache.Packings);
    }
}
