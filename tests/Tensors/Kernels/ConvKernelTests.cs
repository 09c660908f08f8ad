using FoolingCluster.Tensors.Kernels;
using Xunit;

namespace FoolingCluster.Tensors.Tests.Kernels;

/// <summary>
/// The im2col + GEMM convolution kernels against a direct seven-loop convolution accumulated
/// in double, over odd sizes, every thread split, and kernels as large as the padded input.
/// </summary>
public class ConvKernelTests
{
    private const double Tolerance = 1e-4;

    // Thread counts that exercise one worker, fewer workers than images, and a batch of one
    // handing its threads to the GEMM.
    private static readonly int[] s_threadCounts = [1, 2, 3];

    /// <summary>N, C, H, W, OC, KH, KW, stride, padding.</summary>
    public static TheoryData<int, int, int, int, int, int, int, int, int> Cases()
    {
        var data = new TheoryData<int, int, int, int, int, int, int, int, int>
        {
            { 1, 1, 5, 5, 1, 5, 5, 1, 0 },
            { 2, 1, 28, 28, 20, 5, 5, 1, 0 },   // LeNet conv1: 24-wide dense rows
            { 2, 20, 12, 12, 50, 5, 5, 1, 0 },  // LeNet conv2: 8-wide rows, one vector each
            { 2, 3, 13, 13, 4, 6, 6, 1, 0 },    // dense rows of 8 with an odd input width
            { 2, 3, 4, 4, 2, 1, 1, 1, 0 },
            { 3, 3, 3, 5, 4, 1, 1, 2, 1 },
            { 3, 3, 7, 6, 4, 3, 3, 2, 1 },
            { 2, 1, 2, 3, 3, 4, 5, 1, 2 },
            { 3, 1, 1, 1, 2, 3, 3, 3, 1 },
            { 2, 4, 8, 8, 5, 5, 5, 1, 0 },
            { 1, 3, 9, 7, 2, 2, 3, 3, 2 },
        };
        var rng = new Random(11);
        for (int i = 0; i < 40; i++)
        {
            int kh = rng.Next(1, 6);
            int kw = rng.Next(2) == 0 ? kh : rng.Next(1, 6);
            int padding = rng.Next(0, 3);
            int stride = rng.Next(1, 4);
            int h = Math.Max(1, kh - (2 * padding)) + rng.Next(0, 6);
            int w = Math.Max(1, kw - (2 * padding)) + rng.Next(0, 6);
            data.Add(rng.Next(1, 4), rng.Next(2) == 0 ? 1 : 3, h, w, rng.Next(1, 5), kh, kw, stride, padding);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_matches_direct_convolution(int n, int c, int h, int w, int oc, int kh, int kw, int stride, int padding)
    {
        var g = new ConvGeometry(n, c, h, w, oc, kh, kw, stride, padding);
        var rng = new Random(1);
        float[] x = Random(rng, g.Batch * g.ImageSize);
        float[] weight = Random(rng, g.WeightSize);
        float[] bias = Random(rng, oc);
        double[] expected = new double[g.Batch * g.OutImageSize];
        ForEachTap(g, (b, o, ch, ki, kj, oh, ow, ih, iw) =>
            expected[OutIndex(g, b, o, oh, ow)] += (double)weight[WeightIndex(g, o, ch, ki, kj)] * x[ImageIndex(g, b, ch, ih, iw)]);
        for (int i = 0; i < expected.Length; i++)
        {
            expected[i] += bias[i / g.OutSpatial % oc];
        }

        foreach (int threads in s_threadCounts)
        {
            float[] y = new float[expected.Length];
            ConvKernel.Forward(g, x, weight, bias, y, threads);
            AssertClose(expected, y, $"forward {g} threads {threads}");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_without_bias_matches_direct_convolution(int n, int c, int h, int w, int oc, int kh, int kw, int stride, int padding)
    {
        var g = new ConvGeometry(n, c, h, w, oc, kh, kw, stride, padding);
        var rng = new Random(3);
        float[] x = Random(rng, g.Batch * g.ImageSize);
        float[] weight = Random(rng, g.WeightSize);
        double[] expected = new double[g.Batch * g.OutImageSize];
        ForEachTap(g, (b, o, ch, ki, kj, oh, ow, ih, iw) =>
            expected[OutIndex(g, b, o, oh, ow)] += (double)weight[WeightIndex(g, o, ch, ki, kj)] * x[ImageIndex(g, b, ch, ih, iw)]);
        float[] y = Enumerable.Repeat(float.NaN, expected.Length).ToArray();
        ConvKernel.Forward(g, x, weight, default, y, 2);
        AssertClose(expected, y, $"forward {g}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Backward_data_matches_direct_convolution(int n, int c, int h, int w, int oc, int kh, int kw, int stride, int padding)
    {
        var g = new ConvGeometry(n, c, h, w, oc, kh, kw, stride, padding);
        var rng = new Random(5);
        float[] gy = Random(rng, g.Batch * g.OutImageSize);
        float[] weight = Random(rng, g.WeightSize);
        double[] expected = new double[g.Batch * g.ImageSize];
        ForEachTap(g, (b, o, ch, ki, kj, oh, ow, ih, iw) =>
            expected[ImageIndex(g, b, ch, ih, iw)] += (double)weight[WeightIndex(g, o, ch, ki, kj)] * gy[OutIndex(g, b, o, oh, ow)]);
        foreach (int threads in s_threadCounts)
        {
            float[] gx = Enumerable.Repeat(float.NaN, expected.Length).ToArray();
            ConvKernel.BackwardData(g, gy, weight, gx, threads);
            AssertClose(expected, gx, $"backward data {g} threads {threads}");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Backward_weight_matches_direct_convolution(int n, int c, int h, int w, int oc, int kh, int kw, int stride, int padding)
    {
        var g = new ConvGeometry(n, c, h, w, oc, kh, kw, stride, padding);
        var rng = new Random(7);
        float[] x = Random(rng, g.Batch * g.ImageSize);
        float[] gy = Random(rng, g.Batch * g.OutImageSize);
        double[] expected = new double[g.WeightSize];
        ForEachTap(g, (b, o, ch, ki, kj, oh, ow, ih, iw) =>
            expected[WeightIndex(g, o, ch, ki, kj)] += (double)gy[OutIndex(g, b, o, oh, ow)] * x[ImageIndex(g, b, ch, ih, iw)]);
        foreach (int threads in s_threadCounts)
        {
            float[] gw = Enumerable.Repeat(float.NaN, expected.Length).ToArray();
            ConvKernel.BackwardWeight(g, x, gy, gw, threads);
            AssertClose(expected, gw, $"backward weight {g} threads {threads}");
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Chunks_of_images_side_by_side_match_direct_convolution(int imagesPerChunk)
    {
        // Five images in chunks of 1, 2 or 3 (the last chunk short), over one and two workers.
        var g = new ConvGeometry(5, 3, 9, 8, 4, 3, 2, 2, 1);
        var rng = new Random(11);
        float[] x = Random(rng, g.Batch * g.ImageSize);
        float[] weight = Random(rng, g.WeightSize);
        float[] gy = Random(rng, g.Batch * g.OutImageSize);
        double[] y = new double[g.Batch * g.OutImageSize];
        double[] gx = new double[g.Batch * g.ImageSize];
        double[] gw = new double[g.WeightSize];
        ForEachTap(g, (b, o, ch, ki, kj, oh, ow, ih, iw) =>
        {
            y[OutIndex(g, b, o, oh, ow)] += (double)weight[WeightIndex(g, o, ch, ki, kj)] * x[ImageIndex(g, b, ch, ih, iw)];
            gx[ImageIndex(g, b, ch, ih, iw)] += (double)weight[WeightIndex(g, o, ch, ki, kj)] * gy[OutIndex(g, b, o, oh, ow)];
            gw[WeightIndex(g, o, ch, ki, kj)] += (double)gy[OutIndex(g, b, o, oh, ow)] * x[ImageIndex(g, b, ch, ih, iw)];
        });
        int saved = ConvKernel.ColumnBudget;
        try
        {
            ConvKernel.ColumnBudget = imagesPerChunk * g.PatchSize * g.OutSpatial;
            foreach (int threads in new[] { 1, 2 })
            {
                float[] actualY = new float[y.Length];
                float[] actualGx = new float[gx.Length];
                float[] actualGw = new float[gw.Length];
                ConvKernel.Forward(g, x, weight, default, actualY, threads);
                ConvKernel.BackwardData(g, gy, weight, actualGx, threads);
                ConvKernel.BackwardWeight(g, x, gy, actualGw, threads);
                AssertClose(y, actualY, $"forward, {imagesPerChunk} per chunk, {threads} threads");
                AssertClose(gx, actualGx, $"backward data, {imagesPerChunk} per chunk, {threads} threads");
                AssertClose(gw, actualGw, $"backward weight, {imagesPerChunk} per chunk, {threads} threads");
            }
        }
        finally
        {
            ConvKernel.ColumnBudget = saved;
        }
    }

    [Fact]
    public void Backward_bias_sums_over_batch_and_positions()
    {
        var rng = new Random(9);
        float[] gy = Random(rng, 3 * 4 * 5);
        float[] gb = new float[4];
        ConvKernel.BackwardBias(gy, 3, 4, 5, gb);
        for (int c = 0; c < 4; c++)
        {
            double sum = 0;
            for (int n = 0; n < 3; n++)
            {
                for (int s = 0; s < 5; s++)
                {
                    sum += gy[(((n * 4) + c) * 5) + s];
                }
            }

            Assert.Equal(sum, gb[c], 1e-5);
        }
    }

    [Fact]
    public void Backward_weight_is_identical_across_runs_for_a_thread_count()
    {
        var g = new ConvGeometry(7, 3, 9, 9, 4, 3, 3, 1, 1);
        var rng = new Random(13);
        float[] x = Random(rng, g.Batch * g.ImageSize);
        float[] gy = Random(rng, g.Batch * g.OutImageSize);
        float[] first = new float[g.WeightSize];
        float[] second = new float[g.WeightSize];
        ConvKernel.BackwardWeight(g, x, gy, first, 3);
        ConvKernel.BackwardWeight(g, x, gy, second, 3);
        Assert.Equal(first, second);
    }

    private delegate void TapAction(int n, int oc, int c, int ki, int kj, int oh, int ow, int ih, int iw);

    /// <summary>Visits every (output, weight, input) triple of the convolution whose input lies inside the image.</summary>
    private static void ForEachTap(ConvGeometry g, TapAction action)
    {
        for (int n = 0; n < g.Batch; n++)
        {
            for (int oc = 0; oc < g.OutChannels; oc++)
            {
                for (int c = 0; c < g.Channels; c++)
                {
                    for (int ki = 0; ki < g.KernelHeight; ki++)
                    {
                        for (int kj = 0; kj < g.KernelWidth; kj++)
                        {
                            for (int oh = 0; oh < g.OutHeight; oh++)
                            {
                                for (int ow = 0; ow < g.OutWidth; ow++)
                                {
                                    int ih = (oh * g.Stride) - g.Padding + ki;
                                    int iw = (ow * g.Stride) - g.Padding + kj;
                                    if (ih >= 0 && ih < g.Height && iw >= 0 && iw < g.Width)
                                    {
                                        action(n, oc, c, ki, kj, oh, ow, ih, iw);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    private static int ImageIndex(ConvGeometry g, int n, int c, int h, int w) => (((((n * g.Channels) + c) * g.Height) + h) * g.Width) + w;

    private static int OutIndex(ConvGeometry g, int n, int oc, int oh, int ow) => (((((n * g.OutChannels) + oc) * g.OutHeight) + oh) * g.OutWidth) + ow;

    private static int WeightIndex(ConvGeometry g, int oc, int c, int ki, int kj) => (((((oc * g.Channels) + c) * g.KernelHeight) + ki) * g.KernelWidth) + kj;

    private static float[] Random(Random rng, int length)
    {
        float[] values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = (float)((rng.NextDouble() * 2) - 1);
        }

        return values;
    }

    private static void AssertClose(double[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= Tolerance * (1 + Math.Abs(expected[i])), $"{what}: element {i} is {actual[i]:G7}, expected {expected[i]:G7}");
        }
    }
}
