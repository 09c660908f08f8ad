using FoolingCluster.Tensors.Autograd;
using FoolingCluster.Tensors.Ops;
using Xunit;

namespace FoolingCluster.Tensors.Tests.Kernels;

/// <summary>
/// Transposed convolution, which reuses the convolution kernels with roles swapped, against
/// its direct definition: every input pixel scatters a weighted copy of the kernel onto the
/// output at stride spacing, cropped by the padding.
/// </summary>
public class ConvTransposeTests
{
    private const double Tolerance = 1e-4;

    /// <summary>N, Cin, H, W, Cout, KH, KW, stride, padding, outputPadding.</summary>
    public static TheoryData<int, int, int, int, int, int, int, int, int, int> Cases()
    {
        var data = new TheoryData<int, int, int, int, int, int, int, int, int, int>
        {
            { 1, 1, 1, 1, 1, 1, 1, 1, 0, 0 },
            { 2, 3, 4, 4, 2, 1, 1, 1, 0, 0 },
            { 3, 8, 3, 3, 2, 4, 4, 1, 0, 0 },
            { 2, 2, 4, 3, 3, 5, 5, 2, 2, 1 },
            { 1, 3, 5, 5, 1, 4, 4, 1, 0, 0 },
            { 3, 1, 2, 3, 2, 3, 2, 3, 1, 2 },
        };
        var rng = new Random(17);
        while (data.Count < 40)
        {
            int kh = rng.Next(1, 6);
            int kw = rng.Next(2) == 0 ? kh : rng.Next(1, 6);
            int stride = rng.Next(1, 4);
            int padding = rng.Next(0, 3);
            int outputPadding = rng.Next(0, stride);
            int h = rng.Next(1, 6);
            int w = rng.Next(1, 6);
            if (((h - 1) * stride) - (2 * padding) + kh + outputPadding < 1 || ((w - 1) * stride) - (2 * padding) + kw + outputPadding < 1)
            {
                continue;
            }

            data.Add(rng.Next(1, 4), rng.Next(2) == 0 ? 1 : 3, h, w, rng.Next(1, 4), kh, kw, stride, padding, outputPadding);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_and_gradients_match_direct_scatter(int n, int cin, int h, int w, int cout, int kh, int kw, int stride, int padding, int outputPadding)
    {
        int outH = ((h - 1) * stride) - (2 * padding) + kh + outputPadding;
        int outW = ((w - 1) * stride) - (2 * padding) + kw + outputPadding;
        var rng = new Random(23);
        using TensorScope scope = TensorScope.Begin();
        Tensor x = Random(rng, n, cin, h, w);
        Tensor weight = Random(rng, cin, cout, kh, kw);
        Tensor bias = Random(rng, cout);
        Tensor gy = Random(rng, n, cout, outH, outW);

        double[] y = new double[n * cout * outH * outW];
        double[] gx = new double[x.Size];
        double[] gw = new double[weight.Size];
        double[] gb = new double[cout];
        for (int b = 0; b < n; b++)
        {
            for (int co = 0; co < cout; co++)
            {
                for (int oh = 0; oh < outH; oh++)
                {
                    for (int ow = 0; ow < outW; ow++)
                    {
                        y[(((((b * cout) + co) * outH) + oh) * outW) + ow] = bias[co];
                        gb[co] += gy[b, co, oh, ow];
                    }
                }
            }

            for (int ci = 0; ci < cin; ci++)
            {
                for (int ih = 0; ih < h; ih++)
                {
                    for (int iw = 0; iw < w; iw++)
                    {
                        for (int co = 0; co < cout; co++)
                        {
                            for (int ki = 0; ki < kh; ki++)
                            {
                                for (int kj = 0; kj < kw; kj++)
                                {
                                    int oh = (ih * stride) - padding + ki;
                                    int ow = (iw * stride) - padding + kj;
                                    if (oh < 0 || oh >= outH || ow < 0 || ow >= outW)
                                    {
                                        continue;
                                    }

                                    y[(((((b * cout) + co) * outH) + oh) * outW) + ow] += (double)x[b, ci, ih, iw] * weight[ci, co, ki, kj];
                                    gx[(((((b * cin) + ci) * h) + ih) * w) + iw] += (double)gy[b, co, oh, ow] * weight[ci, co, ki, kj];
                                    gw[(((((ci * cout) + co) * kh) + ki) * kw) + kj] += (double)gy[b, co, oh, ow] * x[b, ci, ih, iw];
                                }
                            }
                        }
                    }
                }
            }
        }

        x.RequiresGrad = true;
        weight.RequiresGrad = true;
        bias.RequiresGrad = true;
        Tensor result = Functional.ConvTranspose2d(x, weight, bias, stride, padding, outputPadding);
        Assert.Equal(new[] { n, cout, outH, outW }, result.Shape);
        AssertClose(y, result, "forward");
        Tensor[] grads = Tape.Grad(result, [x, weight, bias], gy);
        AssertClose(gx, grads[0], "input gradient");
        AssertClose(gw, grads[1], "weight gradient");
        AssertClose(gb, grads[2], "bias gradient");
    }

    private static Tensor Random(Random rng, params int[] shape)
    {
        Tensor t = Tensor.Empty(shape);
        for (int i = 0; i < t.Size; i++)
        {
            t[i] = (float)((rng.NextDouble() * 2) - 1);
        }

        return t;
    }

    private static void AssertClose(double[] expected, Tensor actual, string what)
    {
        Assert.Equal(expected.Length, actual.Size);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= Tolerance * (1 + Math.Abs(expected[i])), $"{what}: element {i} is {actual[i]:G7}, expected {expected[i]:G7}");
        }
    }
}
