using FoolingCluster.Tensors.Kernels;
using FoolingCluster.Tensors.Tests.Support;
using Xunit;

namespace FoolingCluster.Tensors.Tests.Kernels;

/// <summary>
/// The general convolution kernels (im2col + GEMM per group, and the direct depthwise kernel)
/// against the definition accumulated in double, over odd sizes, separate strides, dilations,
/// asymmetric pads, 1, 2 and C groups, and every thread split.
/// </summary>
public class GeneralConvKernelTests
{
    private static readonly int[] s_threadCounts = [1, 2, 3];

    /// <summary>
    /// N, C, H, W, OC, KH, KW, sh, sw, pt, pl, pb, pr, dh, dw, G.
    /// </summary>
    public static TheoryData<int[]> Cases()
    {
        var data = new TheoryData<int[]>
        {
            new[] { 1, 3, 17, 15, 4, 7, 7, 2, 2, 3, 3, 3, 3, 1, 1, 1 },      // a ResNet stem on a small image
            new[] { 2, 3, 40, 45, 4, 7, 7, 2, 2, 3, 3, 3, 3, 1, 1, 1 },      // a ResNet stem wide enough for whole vectors of stride 2
            new[] { 1, 2, 9, 37, 3, 3, 2, 1, 2, 0, 1, 0, 0, 1, 1, 1 },       // stride 2 across only, reading up to the image's end
            new[] { 2, 4, 9, 9, 4, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 4 },        // MobileNetV2 depthwise, stride 2
            new[] { 2, 5, 8, 11, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 5 },       // depthwise, stride 1
            new[] { 1, 3, 7, 8, 6, 3, 3, 1, 2, 0, 1, 1, 0, 1, 1, 3 },        // depthwise, multiplier 2, asymmetric
            new[] { 2, 4, 10, 9, 6, 3, 2, 1, 1, 0, 0, 1, 1, 1, 1, 2 },       // two groups, pads only bottom and right
            new[] { 1, 2, 11, 12, 3, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2, 1 },      // dilation 2, "same" output
            new[] { 2, 3, 9, 13, 2, 2, 3, 3, 2, 1, 0, 2, 1, 2, 3, 1 },       // everything different per axis
            new[] { 1, 6, 5, 5, 6, 5, 5, 1, 1, 2, 2, 2, 2, 1, 1, 6 },        // depthwise 5×5
            new[] { 3, 4, 6, 7, 8, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1 },        // pointwise
            new[] { 2, 4, 6, 7, 8, 1, 1, 2, 1, 0, 0, 0, 0, 1, 1, 2 },        // grouped 1×1 with stride
            new[] { 2, 2, 3, 3, 2, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1, 2 },        // kernel as large as the input
        };
        var rng = new Random(17);
        for (int i = 0; i < 40; i++)
        {
            int kh = rng.Next(1, 5);
            int kw = rng.Next(1, 5);
            int dh = rng.Next(1, 4);
            int dw = rng.Next(1, 4);
            int[] pads = [rng.Next(0, 4), rng.Next(0, 4), rng.Next(0, 4), rng.Next(0, 4)];
            int h = Math.Max(1, ((kh - 1) * dh) + 1 - pads[0] - pads[2]) + rng.Next(0, 7);
            int w = Math.Max(1, ((kw - 1) * dw) + 1 - pads[1] - pads[3]) + rng.Next(0, 7);
            int c = rng.Next(1, 5);
            int kind = rng.Next(3);
            int groups = kind == 0 ? 1 : kind == 1 && c % 2 == 0 ? 2 : c;
            int oc = groups * rng.Next(1, 3);
            data.Add([rng.Next(1, 4), c, h, w, oc, kh, kw, rng.Next(1, 4), rng.Next(1, 4), pads[0], pads[1], pads[2], pads[3], dh, dw, groups]);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_matches_the_definition(int[] sizes)
    {
        GeneralConvGeometry g = Geometry(sizes);
        (float[] x, float[] weight, float[] bias, double[] expected, double[] expectedWithoutBias) = ConvReference.ForwardCaseOf(g, 1);
        foreach (int threads in s_threadCounts)
        {
            float[] y = Enumerable.Repeat(float.NaN, expected.Length).ToArray();
            ConvKernel.Forward(g, x, weight, bias, y, threads);
            ConvReference.AssertClose(expected, y, $"forward {g} threads {threads}");
            ConvKernel.Forward(g, x, weight, default, y, threads);
            ConvReference.AssertClose(expectedWithoutBias, y, $"forward without bias {g} threads {threads}");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Backward_data_matches_the_definition(int[] sizes)
    {
        GeneralConvGeometry g = Geometry(sizes);
        var rng = new Random(5);
        float[] gy = ConvReference.Random(rng, g.Batch * g.OutImageSize);
        float[] weight = ConvReference.Random(rng, g.WeightSize);
        double[] expected = ConvReference.BackwardData(g, gy, weight);
        foreach (int threads in s_threadCounts)
        {
            float[] gx = Enumerable.Repeat(float.NaN, expected.Length).ToArray();
            ConvKernel.BackwardData(g, gy, weight, gx, threads);
            ConvReference.AssertClose(expected, gx, $"backward data {g} threads {threads}");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Backward_weight_matches_the_definition(int[] sizes)
    {
        GeneralConvGeometry g = Geometry(sizes);
        var rng = new Random(7);
        float[] x = ConvReference.Random(rng, g.Batch * g.ImageSize);
        float[] gy = ConvReference.Random(rng, g.Batch * g.OutImageSize);
        double[] expected = ConvReference.BackwardWeight(g, x, gy);
        foreach (int threads in s_threadCounts)
        {
            float[] gw = Enumerable.Repeat(float.NaN, expected.Length).ToArray();
            ConvKernel.BackwardWeight(g, x, gy, gw, threads);
            ConvReference.AssertClose(expected, gw, $"backward weight {g} threads {threads}");
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Grouped_chunks_of_images_side_by_side_match_the_definition(int imagesPerChunk)
    {
        // Five images, two groups, separate strides and dilations, in chunks of 1, 2 or 3.
        var g = new GeneralConvGeometry(5, 4, 9, 8, 6, 3, 2, 2, 1, 1, 0, 2, 1, 2, 1, 2);
        var rng = new Random(11);
        float[] x = ConvReference.Random(rng, g.Batch * g.ImageSize);
        float[] weight = ConvReference.Random(rng, g.WeightSize);
        float[] gy = ConvReference.Random(rng, g.Batch * g.OutImageSize);
        int saved = ConvKernel.ColumnBudget;
        try
        {
            ConvKernel.ColumnBudget = imagesPerChunk * g.ColumnRows * g.OutSpatial;
            foreach (int threads in new[] { 1, 2 })
            {
                float[] y = new float[g.Batch * g.OutImageSize];
                float[] gx = new float[g.Batch * g.ImageSize];
                float[] gw = new float[g.WeightSize];
                ConvKernel.Forward(g, x, weight, default, y, threads);
                ConvKernel.BackwardData(g, gy, weight, gx, threads);
                ConvKernel.BackwardWeight(g, x, gy, gw, threads);
                ConvReference.AssertClose(ConvReference.Forward(g, x, weight, null), y, $"forward, {imagesPerChunk} per chunk, {threads} threads");
                ConvReference.AssertClose(ConvReference.BackwardData(g, gy, weight), gx, $"backward data, {imagesPerChunk} per chunk, {threads} threads");
                ConvReference.AssertClose(ConvReference.BackwardWeight(g, x, gy), gw, $"backward weight, {imagesPerChunk} per chunk, {threads} threads");
            }
        }
        finally
        {
            ConvKernel.ColumnBudget = saved;
        }
    }

    [Fact]
    public void Square_windows_give_the_same_bits_as_the_square_geometry()
    {
        var square = new ConvGeometry(3, 3, 9, 7, 4, 3, 3, 2, 1);
        GeneralConvGeometry general = GeneralConvGeometry.From(square);
        Assert.True(general.HasSquareWindows);
        Assert.Equal(square.OutHeight, general.OutHeight);
        Assert.Equal(square.OutWidth, general.OutWidth);
        var rng = new Random(13);
        float[] x = ConvReference.Random(rng, square.Batch * square.ImageSize);
        float[] weight = ConvReference.Random(rng, square.WeightSize);
        float[] viaSquare = new float[square.Batch * square.OutImageSize];
        float[] viaGeneral = new float[viaSquare.Length];
        ConvKernel.Forward(square, x, weight, default, viaSquare, 2);
        ConvKernel.Forward(general, x, weight, default, viaGeneral, 2);
        Assert.Equal(viaSquare, viaGeneral);
    }

    [Fact]
    public void Depthwise_weight_gradient_is_identical_across_runs_and_thread_counts()
    {
        var g = new GeneralConvGeometry(4, 6, 13, 12, 6, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 6);
        var rng = new Random(19);
        float[] x = ConvReference.Random(rng, g.Batch * g.ImageSize);
        float[] gy = ConvReference.Random(rng, g.Batch * g.OutImageSize);
        float[] first = new float[g.WeightSize];
        float[] second = new float[g.WeightSize];
        DepthwiseConvKernel.BackwardWeight(g, x, gy, first, 1);
        DepthwiseConvKernel.BackwardWeight(g, x, gy, second, 3);
        Assert.Equal(first, second);
    }

    [Fact]
    public void Depthwise_kernel_refuses_a_geometry_that_is_not_depthwise()
    {
        var g = new GeneralConvGeometry(1, 4, 5, 5, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 2);
        Assert.False(g.IsDepthwise);
        Assert.Throws<ArgumentException>(() => DepthwiseConvKernel.Forward(g, new float[g.ImageSize], new float[g.WeightSize], default, new float[g.OutImageSize]));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_with_the_weight_packed_beforehand_matches_the_definition(int[] sizes)
    {
        GeneralConvGeometry g = Geometry(sizes);
        var rng = new Random(2);
        float[] x = ConvReference.Random(rng, g.Batch * g.ImageSize);
        float[] weight = ConvReference.Random(rng, g.WeightSize);
        float[] bias = ConvReference.Random(rng, g.OutChannels);
        double[] expected = ConvReference.Forward(g, x, weight, bias);
        GemmPackedA[]? packed = ConvKernel.PackWeight(g, weight);
        Assert.Equal(g.IsDepthwise, packed is null);
        foreach (int threads in s_threadCounts)
        {
            float[] y = Enumerable.Repeat(float.NaN, expected.Length).ToArray();
            ConvKernel.ForwardPacked(g, x, weight, packed, bias, y, threads);
            ConvReference.AssertClose(expected, y, $"packed forward {g} threads {threads}");
        }
    }

    private static GeneralConvGeometry Geometry(int[] s) =>
        new(s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8], s[9], s[10], s[11], s[12], s[13], s[14], s[15]);
}
