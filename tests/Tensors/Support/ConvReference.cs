using FoolingCluster.Tensors.Kernels;

namespace FoolingCluster.Tensors.Tests.Support;

/// <summary>
/// The general 2-D convolution written as its definition, seven nested loops in double, for
/// checking the kernels: every (output, weight, input) triple whose input lies inside the image.
/// </summary>
public static class ConvReference
{
    /// <summary>Called with flat indices into y <c>[N,OC,OH,OW]</c>, the weight <c>[OC,C/G,KH,KW]</c> and x <c>[N,C,H,W]</c>.</summary>
    public delegate void TapAction(int outIndex, int weightIndex, int inIndex);

    /// <summary>Visits every tap of the convolution described by <paramref name="g"/>.</summary>
    public static void ForEachTap(GeneralConvGeometry g, TapAction action)
    {
        int cg = g.Channels / g.Groups;
        int ocg = g.OutChannels / g.Groups;
        int outH = g.OutHeight;
        int outW = g.OutWidth;
        for (int n = 0; n < g.Batch; n++)
        {
            for (int oc = 0; oc < g.OutChannels; oc++)
            {
                int group = oc / ocg;
                for (int c = 0; c < cg; c++)
                {
                    int inChannel = (group * cg) + c;
                    for (int ki = 0; ki < g.KernelHeight; ki++)
                    {
                        for (int kj = 0; kj < g.KernelWidth; kj++)
                        {
                            int weightIndex = (((((oc * cg) + c) * g.KernelHeight) + ki) * g.KernelWidth) + kj;
                            for (int oh = 0; oh < outH; oh++)
                            {
                                int ih = (oh * g.StrideHeight) - g.PadTop + (ki * g.DilationHeight);
                                if (ih < 0 || ih >= g.Height)
                                {
                                    continue;
                                }

                                for (int ow = 0; ow < outW; ow++)
                                {
                                    int iw = (ow * g.StrideWidth) - g.PadLeft + (kj * g.DilationWidth);
                                    if (iw >= 0 && iw < g.Width)
                                    {
                                        int outIndex = (((((n * g.OutChannels) + oc) * outH) + oh) * outW) + ow;
                                        int inIndex = (((((n * g.Channels) + inChannel) * g.Height) + ih) * g.Width) + iw;
                                        action(outIndex, weightIndex, inIndex);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary><c>y = conv(x, w) + b</c> in double; <paramref name="bias"/> may be null.</summary>
    public static double[] Forward(GeneralConvGeometry g, float[] x, float[] w, float[]? bias)
    {
        double[] y = new double[g.Batch * g.OutImageSize];
        ForEachTap(g, (o, k, i) => y[o] += (double)w[k] * x[i]);
        if (bias is not null)
        {
            for (int i = 0; i < y.Length; i++)
            {
                y[i] += bias[i / g.OutSpatial % g.OutChannels];
            }
        }

        return y;
    }

    /// <summary>A seeded input, weight and bias for <paramref name="g"/>, and the forward pass's definition with and without the bias.</summary>
    public static ForwardCase ForwardCaseOf(GeneralConvGeometry g, int seed)
    {
        var rng = new Random(seed);
        float[] x = Random(rng, g.Batch * g.ImageSize);
        float[] weight = Random(rng, g.WeightSize);
        float[] bias = Random(rng, g.OutChannels);
        return new ForwardCase(x, weight, bias, Forward(g, x, weight, bias), Forward(g, x, weight, null));
    }

    /// <summary><c>∂L/∂x</c> from <c>∂L/∂y</c>, in double.</summary>
    public static double[] BackwardData(GeneralConvGeometry g, float[] gy, float[] w)
    {
        double[] gx = new double[g.Batch * g.ImageSize];
        ForEachTap(g, (o, k, i) => gx[i] += (double)w[k] * gy[o]);
        return gx;
    }

    /// <summary><c>∂L/∂W</c> from x and <c>∂L/∂y</c>, in double.</summary>
    public static double[] BackwardWeight(GeneralConvGeometry g, float[] x, float[] gy)
    {
        double[] gw = new double[g.WeightSize];
        ForEachTap(g, (o, k, i) => gw[k] += (double)gy[o] * x[i]);
        return gw;
    }

    /// <summary>Uniform values in [−1, 1).</summary>
    public static float[] Random(Random rng, int length)
    {
        float[] values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = (float)((rng.NextDouble() * 2) - 1);
        }

        return values;
    }

    /// <summary>Asserts <c>|expected − actual| ≤ tolerance·(1 + |expected|)</c> element by element.</summary>
    public static void AssertClose(double[] expected, ReadOnlySpan<float> actual, string what, double tolerance = 1e-4)
    {
        Xunit.Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Xunit.Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * (1 + Math.Abs(expected[i])), $"{what}: element {i} is {actual[i]:G7}, expected {expected[i]:G7}");
        }
    }
}

/// <summary>A forward convolution's operands and its definition's outputs (<see cref="ConvReference.ForwardCaseOf"/>).</summary>
/// <param name="X">Input <c>[N,C,H,W]</c>.</param>
/// <param name="Weight">Filters <c>[OC,C/G,KH,KW]</c>.</param>
/// <param name="Bias">Per-channel offset <c>[OC]</c>.</param>
/// <param name="Expected">The definition with the bias.</param>
/// <param name="ExpectedWithoutBias">The definition without it.</param>
public sealed record ForwardCase(float[] X, float[] Weight, float[] Bias, double[] Expected, double[] ExpectedWithoutBias);
