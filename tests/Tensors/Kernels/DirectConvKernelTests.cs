using FoolingCluster.Tensors.Kernels;
using FoolingCluster.Tensors.Tests.Support;
using Xunit;

namespace FoolingCluster.Tensors.Tests.Kernels;

/// <summary>
/// Convolutions whose GEMM reads a copy of the image in place (<see cref="DirectConvKernel"/>),
/// in phase planes and unfolded along the width, against the definition accumulated in double,
/// and pooled as copied out against the pooling kernel, for every blocked microkernel: depths past one block, channels not a multiple of the microkernel's rows,
/// rows whose columns end inside a tile, strides per axis, dilations, pads on some sides only,
/// several images, and products split over threads across their columns and across their rows.
/// </summary>
public unsafe class DirectConvKernelTests
{
    private static readonly GemmKernelKind[] s_kinds = [GemmKernelKind.Scalar, GemmKernelKind.Vector256, GemmKernelKind.Vector512];

    /// <summary>N, C, H, W, OC, KH, KW, pt, pl, pb, pr, dh, dw, sh, sw.</summary>
    public static TheoryData<int[]> Cases() => new()
    {
        new[] { 1, 30, 16, 14, 13, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1 },   // depth 270: one block of 256 and a short one
        new[] { 2, 7, 20, 23, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1 },     // several column tiles, two images
        new[] { 1, 9, 7, 7, 60, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1 },      // one column tile, many row tiles (ResNet's last stage)
        new[] { 1, 5, 12, 12, 60, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1 },     // three column tiles split by rows (10 row tiles divide evenly)
        new[] { 3, 2, 10, 20, 5, 5, 5, 2, 2, 2, 2, 1, 1, 1, 1 },     // 5×5, three images
        new[] { 1, 3, 16, 12, 4, 3, 3, 2, 2, 2, 2, 2, 2, 1, 1 },     // dilation 2
        new[] { 1, 4, 20, 30, 6, 3, 2, 0, 0, 1, 1, 1, 3, 1, 1 },     // pads only bottom and right, dilations differ per axis
        new[] { 2, 3, 14, 20, 5, 2, 3, 0, 0, 0, 0, 1, 1, 1, 1 },     // no pads
        new[] { 1, 1, 40, 70, 2, 1, 3, 0, 1, 0, 1, 1, 1, 1, 1 },     // a 1×3 window over a wide image
        new[] { 1, 3, 40, 45, 8, 7, 7, 3, 3, 3, 3, 1, 1, 2, 2 },     // a ResNet stem: 7×7, stride 2, pad 3
        new[] { 2, 10, 29, 28, 9, 3, 3, 1, 1, 1, 1, 1, 1, 2, 2 },    // ResNet's stride-2 3×3, an odd padded height
        new[] { 1, 40, 40, 40, 13, 3, 3, 1, 1, 1, 1, 1, 1, 2, 2 },   // stride 2 with depth 360: past one block, filters past one row tile
        new[] { 1, 4, 33, 40, 5, 3, 2, 2, 0, 1, 1, 2, 1, 3, 1 },     // stride 3 down only, dilated, uneven pads
        new[] { 1, 2, 29, 50, 3, 3, 3, 1, 2, 0, 1, 2, 3, 1, 2 },     // stride 2 across only, dilation 3 across
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Convolutions_read_in_place_match_the_definition_in_either_layout(int[] s)
    {
        var g = new GeneralConvGeometry(s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[13], s[14], s[7], s[8], s[9], s[10], s[11], s[12], 1);
        (float[] x, float[] weight, float[] bias, double[] expected, double[] expectedWithoutBias) = ConvReference.ForwardCaseOf(g, s.Sum());
        foreach (GemmKernelKind kind in s_kinds)
        {
            GemmPackedA[] packed = [GemmPackedA.Pack(kind, weight, g.PatchSize, g.OutChannels, g.PatchSize)];
            Assert.True(DirectConvKernel.Applies(g, packed));
            foreach (int threads in new[] { 1, 2, 3 })
            {
                float[] y = Enumerable.Repeat(float.NaN, expected.Length).ToArray();
                ConvKernel.ForwardPacked(g, x, weight, packed, bias, y, threads);
                ConvReference.AssertClose(expected, y, $"{kind} {g} threads {threads}");
                y.AsSpan().Fill(float.NaN);
                ConvKernel.ForwardPacked(g, x, weight, packed, default, y, threads);
                ConvReference.AssertClose(expectedWithoutBias, y, $"{kind} without bias {g} threads {threads}");
            }

            foreach (DirectConvLayout layout in Enum.GetValues<DirectConvLayout>())
            {
                foreach (int threads in new[] { 1, 2, 3 })
                {
                    float[] y = Enumerable.Repeat(float.NaN, expected.Length).ToArray();
                    fixed (float* px = x, pb = bias, py = y)
                    {
                        DirectConvKernel.Forward(g, px, packed[0], pb, py, 0, g.Batch, threads, pool: false, layout);
                    }

                    ConvReference.AssertClose(expected, y, $"{kind} {layout} {g} threads {threads}");
                    if (g.OutHeight >= 2 && g.OutWidth >= 2)
                    {
                        AssertPooledAsSeparately(g, x, packed[0], bias, y, layout, threads);
                    }
                }
            }
        }
    }

    /// <summary>The fused pooling gives the bits of <see cref="PoolMax2x2"/> over the unpooled output <paramref name="y"/> of the same layout.</summary>
    private static void AssertPooledAsSeparately(in GeneralConvGeometry g, float[] x, GemmPackedA weight, float[] bias, float[] y, DirectConvLayout layout, int threads)
    {
        int planes = g.Batch * g.OutChannels;
        float[] expected = new float[planes * (g.OutHeight / 2) * (g.OutWidth / 2)];
        PoolMax2x2.Forward(y, planes, g.OutHeight, g.OutWidth, expected, default);
        float[] pooled = Enumerable.Repeat(float.NaN, expected.Length).ToArray();
        fixed (float* px = x, pb = bias, pp = pooled)
        {
            DirectConvKernel.Forward(g, px, weight, pb, pp, 0, g.Batch, threads, pool: true, layout);
        }

        Assert.True(expected.AsSpan().SequenceEqual(pooled), $"pooled {weight.Kind} {layout} {g} threads {threads}");
    }

    [Fact]
    public void Narrow_outputs_are_unfolded_along_the_width_and_wide_ones_read_phase_planes()
    {
        // LeNet's second layer: 8×8 outputs in phase-plane rows of 12 would be 64 of 128 columns.
        var lenet2 = new GeneralConvGeometry(4, 20, 12, 12, 50, 5, 5, 1, 1, 0, 0, 0, 0, 1, 1, 1);
        Assert.Equal(DirectConvLayout.WidthUnfolded, DirectConvKernel.LayoutFor(lenet2, 64));
        Assert.Equal(64, DirectConvKernel.ProductColumns(lenet2, 64));
        Assert.True(DirectConvKernel.Applies(lenet2, [GemmPackedA.Pack(GemmKernelKind.Vector512, new float[lenet2.WeightSize], lenet2.PatchSize, 50, lenet2.PatchSize)]));

        // ResNet's stride-2 3×3 layer: 28 outputs in rows of 29.
        var resnet = new GeneralConvGeometry(1, 64, 56, 56, 128, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1);
        Assert.Equal(DirectConvLayout.PhasePlanes, DirectConvKernel.LayoutFor(resnet, 16));
    }

    [Fact]
    public void Grouped_pointwise_and_mostly_padding_convolutions_and_unpacked_weights_are_left_to_the_unfolding_path()
    {
        // A 3×3 window over 2×2 images: 4 outputs in a tile of 64 columns.
        var padded = new GeneralConvGeometry(1, 4, 2, 2, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1);
        Assert.False(DirectConvKernel.Applies(padded, [GemmPackedA.Pack(GemmKernelKind.Vector512, new float[padded.WeightSize], padded.PatchSize, 8, padded.PatchSize)]));

        var stride1 = new GeneralConvGeometry(1, 4, 16, 16, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1);
        GemmPackedA[] packed = ConvKernel.PackWeight(stride1, new float[stride1.WeightSize])!;
        Assert.True(DirectConvKernel.Applies(stride1, packed));
        Assert.False(DirectConvKernel.Applies(stride1, null));
        Assert.False(DirectConvKernel.Applies(stride1 with { Groups = 2 }, packed));
        var pointwise = stride1 with { KernelHeight = 1, KernelWidth = 1, PadTop = 0, PadLeft = 0, PadBottom = 0, PadRight = 0 };
        GemmPackedA[] packedPointwise = ConvKernel.PackWeight(pointwise, new float[pointwise.WeightSize])!;
        Assert.False(DirectConvKernel.Applies(pointwise, packedPointwise));
        Assert.False(DirectConvKernel.Applies(pointwise with { Height = 32, Width = 32, StrideHeight = 2, StrideWidth = 2 }, packedPointwise));
        Assert.True(DirectConvKernel.Applies(stride1 with { Height = 31, Width = 31, StrideHeight = 2, StrideWidth = 2 }, packed));
    }
}
