using FoolingCluster.Tensors.Kernels;
using Xunit;

namespace FoolingCluster.Tensors.Tests.Kernels;

/// <summary>The direct channels-last transposed convolution against a naive loop, on both vector paths and odd shapes.</summary>
public class ChannelsLastTransposedConvTests
{
    public static TheoryData<int, int, int, int, int, int> Shapes() => new()
    {
        // batch, in channels, out channels, kernel, stride, input side
        { 1, 1, 1, 1, 1, 1 },
        { 2, 8, 32, 4, 1, 1 },
        { 2, 32, 16, 5, 2, 4 },
        { 1, 16, 16, 5, 2, 11 },
        { 2, 16, 1, 4, 1, 25 },
        { 3, 3, 5, 3, 2, 3 },
        { 2, 17, 9, 2, 3, 4 },
        { 1, 5, 24, 3, 1, 2 },
        { 2, 33, 7, 4, 2, 3 },
        { 1, 20, 40, 1, 2, 3 },

        // The blocked paths: input gradients of 8, 16 and 32 channels four pixels at a time (with
        // a last block moved back over pixels already done), the forward four pixels at a time
        // with every width of row and a tail of pixels, and few output channels by whole rows.
        { 5, 8, 3, 3, 2, 1 },
        { 1, 16, 5, 3, 2, 3 },
        { 3, 32, 7, 2, 3, 2 },
        { 2, 16, 16, 5, 2, 3 },
        { 1, 8, 9, 3, 1, 5 },
        { 1, 12, 40, 3, 2, 5 },
        { 2, 32, 16, 5, 2, 4 },
        { 32, 8, 32, 4, 1, 1 },
        { 1, 3, 7, 7, 1, 6 },
        { 1, 16, 2, 4, 1, 7 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Forward_and_input_gradient_match_a_naive_loop(int batch, int a, int b, int k, int s, int side)
    {
        var rng = new Random((batch * 1000) + (a * 100) + (b * 10) + k);
        float[] weight = Values(rng, a * b * k * k);
        float[] bias = Values(rng, b);
        var conv = new ChannelsLastTransposedConv(weight, bias, a, b, k, s);
        int outSide = ((side - 1) * s) + k;
        Assert.Equal(outSide, conv.OutSide(side));

        float[] x = Values(rng, batch * side * side * a);
        var y = new float[batch * outSide * outSide * b];
        conv.Forward(x, batch, side, y);
        AssertClose(NaiveForward(x, weight, bias, batch, a, b, k, s, side), y);

        float[] gy = Values(rng, y.Length);
        var gx = new float[x.Length];
        conv.BackwardData(gy, batch, side, gx);
        AssertClose(NaiveBackward(gy, weight, batch, a, b, k, s, side), gx);
    }

    /// <summary>
    /// An image's output and input gradient are the same bits whatever else shares its batch:
    /// blocks of pixels run across image boundaries, and a pixel left over, or a batch smaller
    /// than a block, must get the blocks' arithmetic. (ABS inference and a sharded evaluation
    /// rely on it: an image classified in a slice of three is classified as in the whole set.)
    /// </summary>
    [Theory]
    [InlineData(8, 32, 4, 1, 1)]
    [InlineData(32, 16, 5, 2, 4)]
    [InlineData(16, 16, 5, 2, 11)]
    [InlineData(16, 1, 4, 1, 25)]
    [InlineData(12, 40, 3, 2, 5)]
    public void An_image_gives_the_same_bits_in_any_batch(int a, int b, int k, int s, int side)
    {
        var rng = new Random((a * 100) + (b * 10) + k);
        var conv = new ChannelsLastTransposedConv(Values(rng, a * b * k * k), Values(rng, b), a, b, k, s);
        int outSide = conv.OutSide(side), inSize = side * side * a, outSize = outSide * outSide * b;
        const int Largest = 9;
        float[] x = Values(rng, Largest * inSize);
        float[] gy = Values(rng, Largest * outSize);
        var alone = new float[outSize];
        var aloneGradient = new float[inSize];
        conv.Forward(x.AsSpan(0, inSize), 1, side, alone);
        conv.BackwardData(gy.AsSpan(0, outSize), 1, side, aloneGradient);
        for (int batch = 2; batch <= Largest; batch++)
        {
            var y = new float[batch * outSize];
            var gx = new float[batch * inSize];
            conv.Forward(x.AsSpan(0, batch * inSize), batch, side, y);
            conv.BackwardData(gy.AsSpan(0, batch * outSize), batch, side, gx);
            Assert.True(alone.AsSpan().SequenceEqual(y.AsSpan(0, outSize)), $"forward of image 0 in a batch of {batch}");
            Assert.True(aloneGradient.AsSpan().SequenceEqual(gx.AsSpan(0, inSize)), $"input gradient of image 0 in a batch of {batch}");
        }
    }

    [Fact]
    public void Mismatched_sizes_name_the_buffer()
    {
        var conv = new ChannelsLastTransposedConv(new float[2 * 3 * 4], default, 2, 3, 2, 1);
        var e = Assert.Throws<ShapeMismatchException>(() => conv.Forward(new float[7], 1, 2, new float[27]));
        Assert.Contains("x holds 7", e.Message, StringComparison.Ordinal);
        Assert.Throws<ShapeMismatchException>(() => new ChannelsLastTransposedConv(new float[5], default, 2, 3, 2, 1));
    }

    private static float[] NaiveForward(float[] x, float[] w, float[] bias, int batch, int a, int b, int k, int s, int side)
    {
        int outSide = ((side - 1) * s) + k;
        var y = new double[batch * outSide * outSide * b];
        for (int n = 0; n < batch; n++)
        {
            for (int p = 0; p < outSide * outSide; p++)
            {
                for (int c = 0; c < b; c++)
                {
                    y[(((n * outSide * outSide) + p) * b) + c] = bias[c];
                }
            }

            for (int i = 0; i < side; i++)
            {
                for (int j = 0; j < side; j++)
                {
                    for (int ca = 0; ca < a; ca++)
                    {
                        for (int cb = 0; cb < b; cb++)
                        {
                            for (int ky = 0; ky < k; ky++)
                            {
                                for (int kx = 0; kx < k; kx++)
                                {
                                    int oy = (s * i) + ky, ox = (s * j) + kx;
                                    y[(((((n * outSide) + oy) * outSide) + ox) * b) + cb] += x[(((((n * side) + i) * side) + j) * a) + ca] * w[(((((ca * b) + cb) * k) + ky) * k) + kx];
                                }
                            }
                        }
                    }
                }
            }
        }

        return y.Select(v => (float)v).ToArray();
    }

    private static float[] NaiveBackward(float[] gy, float[] w, int batch, int a, int b, int k, int s, int side)
    {
        int outSide = ((side - 1) * s) + k;
        var gx = new double[batch * side * side * a];
        for (int n = 0; n < batch; n++)
        {
            for (int i = 0; i < side; i++)
            {
                for (int j = 0; j < side; j++)
                {
                    for (int ca = 0; ca < a; ca++)
                    {
                        double sum = 0;
                        for (int cb = 0; cb < b; cb++)
                        {
                            for (int ky = 0; ky < k; ky++)
                            {
                                for (int kx = 0; kx < k; kx++)
                                {
                                    int oy = (s * i) + ky, ox = (s * j) + kx;
                                    sum += gy[(((((n * outSide) + oy) * outSide) + ox) * b) + cb] * w[(((((ca * b) + cb) * k) + ky) * k) + kx];
                                }
                            }
                        }

                        gx[(((((n * side) + i) * side) + j) * a) + ca] = sum;
                    }
                }
            }
        }

        return gx.Select(v => (float)v).ToArray();
    }

    private static float[] Values(Random rng, int count) => Enumerable.Range(0, count).Select(_ => (rng.NextSingle() * 2) - 1).ToArray();

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-4f * (1 + Math.Abs(expected[i])), $"element {i}: expected {expected[i]}, got {actual[i]}");
        }
    }
}
