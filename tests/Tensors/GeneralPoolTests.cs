using FoolingCluster.Tensors.Autograd;
using FoolingCluster.Tensors.Ops;
using FoolingCluster.Tensors.Tests.Support;
using Xunit;

namespace FoolingCluster.Tensors.Tests;

/// <summary>
/// General max and average pooling against their definitions written as loops in double, and
/// their gradients against finite differences; global average pooling likewise.
/// </summary>
public class GeneralPoolTests
{
    /// <summary>x shape, KH, KW, sh, sw, pads (top, left, bottom, right), ceil mode.</summary>
    public static TheoryData<int[], int, int, int, int, int[], bool> Cases()
    {
        var data = new TheoryData<int[], int, int, int, int, int[], bool>
        {
            { new[] { 1, 2, 8, 8 }, 3, 3, 2, 2, new[] { 1, 1, 1, 1 }, false },   // ResNet's max pool
            { new[] { 1, 1, 5, 5 }, 2, 2, 2, 2, new[] { 1, 1, 1, 1 }, true },    // ceil mode drops a window that starts in the padding
            { new[] { 2, 2, 7, 6 }, 3, 3, 2, 2, new[] { 0, 0, 0, 0 }, true },    // SqueezeNet's ceil-mode max pool
            { new[] { 1, 3, 7, 9 }, 2, 3, 1, 2, new[] { 0, 2, 1, 0 }, false },
            { new[] { 2, 1, 6, 7 }, 3, 2, 3, 1, new[] { 2, 1, 0, 1 }, true },
            { new[] { 1, 2, 4, 4 }, 4, 4, 1, 1, new[] { 0, 0, 0, 0 }, false },   // one window, the square path
            { new[] { 1, 1, 6, 6 }, 2, 2, 2, 2, new[] { 0, 0, 0, 0 }, false },   // the 2×2 fast path
            { new[] { 1, 2, 23, 37 }, 3, 3, 2, 2, new[] { 1, 0, 0, 1 }, true },  // rows of vectors and a tail, windows overhanging the padding
            { new[] { 2, 3, 30, 41 }, 3, 3, 2, 2, new[] { 1, 1, 1, 1 }, false }, // ResNet's max pool over rows of two vectors and a tail
            { new[] { 1, 2, 17, 34 }, 3, 3, 2, 2, new[] { 0, 1, 1, 0 }, false }, // padded on the left only, not above
        };
        var rng = new Random(23);
        for (int i = 0; i < 25; i++)
        {
            int kh = rng.Next(1, 5);
            int kw = rng.Next(1, 5);
            int[] pads = [rng.Next(0, kh), rng.Next(0, kw), rng.Next(0, kh), rng.Next(0, kw)];
            int h = Math.Max(1, kh - pads[0] - pads[2]) + rng.Next(0, 7);
            int w = Math.Max(1, kw - pads[1] - pads[3]) + rng.Next(0, 7);
            data.Add(new[] { rng.Next(1, 3), rng.Next(1, 4), h, w }, kh, kw, rng.Next(1, 4), rng.Next(1, 4), pads, rng.Next(2) == 0);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Max_and_average_pooling_match_their_definitions(int[] shape, int kh, int kw, int sh, int sw, int[] pads, bool ceil)
    {
        Pool2dOptions options = Options(kh, kw, sh, sw, pads, ceil);
        Tensor x = GradCheck.Uniform(new Random(29), -1, 1, shape);
        double[] max = Reference(x, options, Kind.Max);
        Tensor y = Functional.MaxPool2d(x, options);
        Assert.Equal(OutShape(shape, options), y.Shape);
        ConvReference.AssertClose(max, y.Span, "max pool", 0);
        ConvReference.AssertClose(Reference(x, options, Kind.AverageInside), Functional.AveragePool2d(x, options).Span, "average pool", 1e-5);
        ConvReference.AssertClose(Reference(x, options, Kind.AverageWithPad), Functional.AveragePool2d(x, options with { CountIncludePad = true }).Span, "average pool counting padding", 1e-5);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Pooling_backward_matches_finite_differences(int[] shape, int kh, int kw, int sh, int sw, int[] pads, bool ceil)
    {
        Pool2dOptions options = Options(kh, kw, sh, sw, pads, ceil);

        // Values 0.1 apart, so a ±h probe never changes which input is a window's maximum.
        Tensor x = Tensor.Empty(shape);
        float[] values = Enumerable.Range(0, x.Size).Select(i => 0.1f * (i - (x.Size / 2))).ToArray();
        new Random(31).Shuffle(values);
        values.CopyTo(x.Span);
        GradCheck.Check(t => Functional.MaxPool2d(t[0], options), [x]);
        GradCheck.Check(t => Functional.AveragePool2d(t[0], options), [x]);
        GradCheck.Check(t => Functional.AveragePool2d(t[0], options with { CountIncludePad = true }), [x]);
    }

    [Fact]
    public void Average_pooling_divisors_follow_pytorch_at_the_edges()
    {
        // AvgPool2d(3, stride 2, padding 1, ceil_mode) on 4×4 ones: windows start at rows −1, 1, 3;
        // the last one reaches row 5, one past the padded input, which is not counted.
        Tensor ones = Tensor.Full(1f, 1, 1, 4, 4);
        var options = Pool2dOptions.Square(3, 2, 1) with { CeilMode = true };
        Assert.Equal(Enumerable.Repeat(1f, 9), Functional.AveragePool2d(ones, options).ToArray());
        float[] withPad = Functional.AveragePool2d(ones, options with { CountIncludePad = true }).ToArray();
        Assert.Equal([4f / 9, 6f / 9, 2f / 6, 6f / 9, 1f, 3f / 6, 2f / 6, 3f / 6, 1f / 4], withPad, new ToleranceComparer(1e-6f));
    }

    [Fact]
    public void Max_pooling_never_takes_the_padding()
    {
        Tensor negative = Tensor.Full(-5f, 1, 1, 3, 3);
        Tensor y = Functional.MaxPool2d(negative, Pool2dOptions.Square(2, 2, 1) with { CeilMode = true });
        Assert.Equal(new[] { 1, 1, 2, 2 }, y.Shape);
        Assert.All(y.ToArray(), v => Assert.Equal(-5f, v));
    }

    [Fact]
    public void A_NaN_reaches_exactly_the_windows_that_hold_it_in_a_3x3_pooling_at_stride_2()
    {
        // 20×20 → 10×10 with a padding of 1: rows of a vector and a tail.
        Tensor x = Tensor.Full(1f, 1, 1, 20, 20);
        x[0, 0, 7, 18] = float.NaN;
        using NoGradScope noGrad = NoGradScope.Begin();
        Tensor y = Functional.MaxPool2d(x, Pool2dOptions.Square(3, 2, 1));
        for (int oh = 0; oh < 10; oh++)
        {
            for (int ow = 0; ow < 10; ow++)
            {
                // Window (oh, ow) spans rows and columns 2·o − 1 to 2·o + 1.
                bool holds = Math.Abs(7 - (2 * oh)) <= 1 && Math.Abs(18 - (2 * ow)) <= 1;
                Assert.Equal(holds, float.IsNaN(y[0, 0, oh, ow]));
            }
        }
    }

    [Fact]
    public void Global_average_pool_is_the_mean_of_each_plane_and_spreads_its_gradient()
    {
        var rng = new Random(37);
        Tensor x = GradCheck.Uniform(rng, -1, 1, 2, 3, 5, 7);
        Tensor y = Functional.GlobalAveragePool(x);
        Assert.Equal(new[] { 2, 3, 1, 1 }, y.Shape);
        for (int p = 0; p < 6; p++)
        {
            double mean = x.ToArray().Skip(p * 35).Take(35).Average(v => (double)v);
            Assert.Equal(mean, y[p], 1e-6);
        }

        GradCheck.Check(t => Functional.GlobalAveragePool(t[0]), [GradCheck.Uniform(rng, -1, 1, 2, 2, 3, 4)]);
        Assert.Throws<ShapeMismatchException>(() => Functional.GlobalAveragePool(Tensor.Zeros(2, 3, 4)));
    }

    [Fact]
    public void Pooling_refuses_bad_attributes_and_oversized_windows()
    {
        Tensor x = Tensor.Zeros(1, 1, 4, 4);
        var e = Assert.Throws<InvalidInputException>(() => Functional.MaxPool2d(x, Pool2dOptions.Square(2, 2, 2)));
        Assert.Equal("max_pool2d: padding (top 2, left 2, bottom 2, right 2) must be at least 0 and smaller than the 2×2 kernel on each side", e.Message);
        Assert.Throws<InvalidInputException>(() => Functional.AveragePool2d(x, new Pool2dOptions(2, 2) { StrideWidth = 0 }));
        Assert.Throws<InvalidInputException>(() => Functional.AveragePool2d(x, new Pool2dOptions(0, 2)));
        var big = Assert.Throws<ShapeMismatchException>(() => Functional.MaxPool2d(x, new Pool2dOptions(6, 2) { Padding = new Padding2d(1, 0, 0, 0) }));
        Assert.Contains("6×2 window is larger than the 5×4 padded input", big.Message);
        Assert.Throws<ShapeMismatchException>(() => Functional.AveragePool2d(Tensor.Zeros(4, 4), new Pool2dOptions(2, 2)));
    }

    private enum Kind
    {
        Max,
        AverageInside,
        AverageWithPad,
    }

    /// <summary>PyTorch's output size: floor or ceil, and a ceil-mode window that would start in the bottom padding dropped.</summary>
    private static int[] OutShape(int[] shape, Pool2dOptions o)
    {
        static int Size(int size, int begin, int end, int k, int s, bool ceil)
        {
            double exact = (double)(size + begin + end - k) / s;
            int count = (int)(ceil ? Math.Ceiling(exact) : Math.Floor(exact)) + 1;
            return ceil && (count - 1) * s >= size + begin ? count - 1 : count;
        }

        return [shape[0], shape[1], Size(shape[2], o.Padding.Top, o.Padding.Bottom, o.KernelHeight, o.StrideHeight, o.CeilMode), Size(shape[3], o.Padding.Left, o.Padding.Right, o.KernelWidth, o.StrideWidth, o.CeilMode)];
    }

    private static double[] Reference(Tensor x, Pool2dOptions o, Kind kind)
    {
        int[] outShape = OutShape(x.Shape, o);
        int h = x.Dim(2);
        int w = x.Dim(3);
        var y = new List<double>();
        for (int p = 0; p < x.Dim(0) * x.Dim(1); p++)
        {
            for (int oh = 0; oh < outShape[2]; oh++)
            {
                for (int ow = 0; ow < outShape[3]; ow++)
                {
                    double best = double.NegativeInfinity, sum = 0;
                    int inside = 0, withPad = 0;
                    for (int i = 0; i < o.KernelHeight; i++)
                    {
                        for (int j = 0; j < o.KernelWidth; j++)
                        {
                            int ih = (oh * o.StrideHeight) - o.Padding.Top + i;
                            int iw = (ow * o.StrideWidth) - o.Padding.Left + j;
                            if (ih < h + o.Padding.Bottom && iw < w + o.Padding.Right)
                            {
                                withPad++;
                            }

                            if (ih >= 0 && ih < h && iw >= 0 && iw < w)
                            {
                                double v = x[(((p * h) + ih) * w) + iw];
                                best = Math.Max(best, v);
                                sum += v;
                                inside++;
                            }
                        }
                    }

                    y.Add(kind switch { Kind.Max => best, Kind.AverageInside => sum / inside, _ => sum / withPad });
                }
            }
        }

        return [.. y];
    }

    private static Pool2dOptions Options(int kh, int kw, int sh, int sw, int[] pads, bool ceil) => new(kh, kw)
    {
        StrideHeight = sh,
        StrideWidth = sw,
        Padding = new Padding2d(pads[0], pads[1], pads[2], pads[3]),
        CeilMode = ceil,
    };

    private sealed class ToleranceComparer(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float a, float b) => Math.Abs(a - b) <= tolerance;

        public int GetHashCode(float value) => 0;
    }
}
