using FoolingCluster.Tensors.Kernels;
using Xunit;

namespace FoolingCluster.Tensors.Tests.Kernels;

/// <summary>Max-pooling kernels against a direct window scan, on values distinct within every window.</summary>
public class PoolKernelTests
{
    /// <summary>Planes, H, W, kernel, stride.</summary>
    public static TheoryData<int, int, int, int, int> Cases()
    {
        var data = new TheoryData<int, int, int, int, int>
        {
            { 1, 1, 1, 1, 1 },
            { 3, 4, 4, 2, 2 },
            { 2, 5, 7, 2, 2 },
            { 6, 24, 24, 2, 2 },
            { 4, 8, 8, 2, 2 },
            { 2, 3, 40, 2, 2 },
            { 3, 9, 35, 2, 2 },
            { 300, 12, 12, 2, 2 },
            { 2, 48, 46, 2, 2 },
            { 300, 12, 12, 3, 2 },
            { 2, 5, 5, 5, 1 },
            { 3, 7, 6, 3, 3 },
            { 2, 6, 7, 1, 2 },
        };
        var rng = new Random(29);
        for (int i = 0; i < 30; i++)
        {
            int kernel = rng.Next(1, 5);
            data.Add(rng.Next(1, 7), kernel + rng.Next(0, 6), kernel + rng.Next(0, 6), kernel, rng.Next(1, 4));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_and_backward_match_direct_scan(int planes, int height, int width, int kernel, int stride)
    {
        var rng = new Random(31);
        float[] x = Distinct(rng, planes * height * width);
        int outH = ((height - kernel) / stride) + 1;
        int outW = ((width - kernel) / stride) + 1;
        float[] expectedY = new float[planes * outH * outW];
        int[] expectedIndex = new int[expectedY.Length];
        for (int p = 0, o = 0; p < planes; p++)
        {
            for (int oh = 0; oh < outH; oh++)
            {
                for (int ow = 0; ow < outW; ow++, o++)
                {
                    expectedY[o] = float.NegativeInfinity;
                    for (int i = 0; i < kernel; i++)
                    {
                        for (int j = 0; j < kernel; j++)
                        {
                            int at = (((oh * stride) + i) * width) + (ow * stride) + j;
                            if (x[(p * height * width) + at] > expectedY[o])
                            {
                                expectedY[o] = x[(p * height * width) + at];
                                expectedIndex[o] = at;
                            }
                        }
                    }
                }
            }
        }

        float[] gy = Distinct(rng, expectedY.Length);
        double[] expectedGx = new double[x.Length];
        for (int o = 0; o < gy.Length; o++)
        {
            expectedGx[(o / (outH * outW) * height * width) + expectedIndex[o]] += gy[o];
        }

        foreach (int threads in new[] { 1, 2 })
        {
            float[] y = new float[expectedY.Length];
            int[] index = new int[expectedY.Length];
            PoolKernel.MaxForward(x, planes, height, width, kernel, stride, y, index, threads);
            Assert.Equal(expectedY, y);
            Assert.Equal(expectedIndex, index);

            // Without indices (no backward pass follows): the same maxima.
            float[] values = Enumerable.Repeat(float.NaN, expectedY.Length).ToArray();
            PoolKernel.MaxForward(x, planes, height, width, kernel, stride, values, default, threads);
            Assert.Equal(expectedY, values);

            float[] gx = Enumerable.Repeat(float.NaN, x.Length).ToArray();
            PoolKernel.MaxBackward(gy, index, planes, height, width, gx, threads);
            for (int i = 0; i < gx.Length; i++)
            {
                Assert.Equal(expectedGx[i], gx[i], 1e-6);
            }
        }
    }

    [Theory]
    [InlineData(2, 2)]
    [InlineData(3, 2)]
    public void NaN_in_a_window_propagates(int kernel, int stride)
    {
        int outSize = ((20 - kernel) / stride) + 1;
        float[] x = new float[2 * 20 * 20];
        x[(20 * 20) + 45] = float.NaN;
        float[] y = new float[2 * outSize * outSize];
        PoolKernel.MaxForward(x, 2, 20, 20, kernel, stride, y, new int[y.Length]);
        Assert.DoesNotContain(y[..(outSize * outSize)], float.IsNaN);
        Assert.Contains(y[(outSize * outSize)..], float.IsNaN);

        float[] values = new float[y.Length];
        PoolKernel.MaxForward(x, 2, 20, 20, kernel, stride, values, default);
        Assert.Equal(y, values);
    }

    /// <summary>A random permutation of 0..n−1 scaled into [−1, 1): no two values are equal.</summary>
    private static float[] Distinct(Random rng, int length)
    {
        float[] values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = ((2f * i) / length) - 1f;
        }

        rng.Shuffle(values);
        return values;
    }
}
