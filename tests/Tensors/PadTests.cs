using FoolingCluster.Tensors.Ops;
using FoolingCluster.Tensors.Tests.Support;
using Xunit;

namespace FoolingCluster.Tensors.Tests;

public class PadTests
{
    [Theory]
    [InlineData(new[] { 2, 3, 4, 5 }, 1, 2, 0, 3, 0f)]
    [InlineData(new[] { 1, 1, 3, 3 }, 0, 0, 1, 1, -2.5f)]
    [InlineData(new[] { 4, 5 }, 2, 0, 0, 1, 1f)]
    [InlineData(new[] { 2, 1, 2, 3, 2 }, 0, 0, 0, 0, 0f)]
    public void Pad_places_the_input_inside_a_constant_border_and_crops_the_gradient(int[] shape, int top, int left, int bottom, int right, float value)
    {
        var rng = new Random(79);
        Tensor x = GradCheck.Uniform(rng, -1, 1, shape);
        var padding = new Padding2d(top, left, bottom, right);
        Tensor y = Functional.Pad(x, padding, value);
        int h = shape[^2], w = shape[^1];
        int outH = h + top + bottom, outW = w + left + right;
        Assert.Equal([.. shape[..^2], outH, outW], y.Shape);
        for (int flat = 0; flat < y.Size; flat++)
        {
            int c = flat % outW, r = flat / outW % outH, p = flat / outW / outH;
            int ih = r - top, iw = c - left;
            float expected = ih >= 0 && ih < h && iw >= 0 && iw < w ? x[(((p * h) + ih) * w) + iw] : value;
            Assert.Equal(expected, y[flat]);
        }

        GradCheck.Check(t => Functional.Pad(t[0], padding, value), [x]);
    }

    [Fact]
    public void Pad_refuses_modes_it_does_not_implement_and_negative_pads()
    {
        var e = Assert.Throws<InvalidInputException>(() => Functional.Pad(Tensor.Zeros(1, 1, 3, 3), Padding2d.Uniform(1), 0f, PadMode.Reflect));
        Assert.Equal("pad: mode 'reflect' is not supported; only 'constant' padding is", e.Message);
        Assert.Throws<InvalidInputException>(() => Functional.Pad(Tensor.Zeros(1, 1, 3, 3), Padding2d.Uniform(1), 0f, PadMode.Edge));
        Assert.Throws<InvalidInputException>(() => Functional.Pad(Tensor.Zeros(1, 1, 3, 3), new Padding2d(0, 0, -1, 0)));
        Assert.Throws<ShapeMismatchException>(() => Functional.Pad(Tensor.Zeros(3), Padding2d.Uniform(1)));
    }

    [Fact]
    public void Onnx_pads_are_read_top_left_bottom_right()
    {
        Assert.Equal(new Padding2d(1, 2, 3, 4), Padding2d.FromOnnx([1, 2, 3, 4]));
        Assert.Equal(default, Padding2d.FromOnnx([]));
        Assert.Throws<InvalidInputException>(() => Padding2d.FromOnnx([1, 2]));
    }
}
