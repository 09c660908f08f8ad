using FoolingCluster.Tensors.Autograd;
using FoolingCluster.Tensors.Kernels;
using FoolingCluster.Tensors.Ops;
using FoolingCluster.Tensors.Tests.Support;
using Xunit;

namespace FoolingCluster.Tensors.Tests;

public class GeneralConvGradientTests
{
    /// <summary>x shape, weight shape [OC,C/G,KH,KW], sh, sw, pads (top, left, bottom, right), dh, dw, groups.</summary>
    public static TheoryData<int[], int[], int, int, int[], int, int, int> Cases => new()
    {
        { new[] { 2, 2, 5, 6 }, new[] { 3, 2, 3, 2 }, 2, 1, new[] { 1, 0, 0, 1 }, 1, 1, 1 },
        { new[] { 1, 2, 7, 6 }, new[] { 2, 2, 2, 3 }, 1, 2, new[] { 0, 2, 1, 0 }, 2, 1, 1 },
        { new[] { 2, 4, 5, 5 }, new[] { 4, 2, 3, 3 }, 1, 1, new[] { 1, 1, 1, 1 }, 1, 1, 2 },
        { new[] { 2, 3, 6, 5 }, new[] { 3, 1, 3, 3 }, 2, 2, new[] { 1, 1, 1, 1 }, 1, 1, 3 },
        { new[] { 1, 2, 5, 7 }, new[] { 4, 1, 3, 2 }, 1, 2, new[] { 2, 0, 1, 1 }, 2, 2, 2 },
        { new[] { 1, 3, 4, 4 }, new[] { 3, 1, 2, 2 }, 3, 1, new[] { 0, 0, 2, 1 }, 1, 3, 3 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Conv2d_backward_matches_finite_differences(int[] xShape, int[] wShape, int sh, int sw, int[] pads, int dh, int dw, int groups)
    {
        var rng = new Random(61);
        Tensor x = GradCheck.Uniform(rng, -1, 1, xShape);
        Tensor w = GradCheck.Uniform(rng, -1, 1, wShape);
        Tensor b = GradCheck.Uniform(rng, -1, 1, wShape[0]);
        Conv2dOptions options = Options(sh, sw, pads, dh, dw, groups);
        GradCheck.Check(t => Functional.Conv2d(t[0], t[1], t[2], options), [x, w, b]);
        GradCheck.Check(t => Functional.Conv2d(t[0], t[1], null, options), [x, w]);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Conv2d_forward_matches_the_definition(int[] xShape, int[] wShape, int sh, int sw, int[] pads, int dh, int dw, int groups)
    {
        var rng = new Random(67);
        Tensor x = GradCheck.Uniform(rng, -1, 1, xShape);
        Tensor w = GradCheck.Uniform(rng, -1, 1, wShape);
        Tensor b = GradCheck.Uniform(rng, -1, 1, wShape[0]);
        var g = new GeneralConvGeometry(xShape[0], xShape[1], xShape[2], xShape[3], wShape[0], wShape[2], wShape[3], sh, sw, pads[0], pads[1], pads[2], pads[3], dh, dw, groups);
        Tensor y = Functional.Conv2d(x, w, b, Options(sh, sw, pads, dh, dw, groups));
        Assert.Equal(new[] { g.Batch, g.OutChannels, g.OutHeight, g.OutWidth }, y.Shape);
        ConvReference.AssertClose(ConvReference.Forward(g, x.ToArray(), w.ToArray(), b.ToArray()), y.Span, $"conv2d {g}");
    }

    [Fact]
    public void Output_sizes_follow_pytorch_and_onnx()
    {
        // ResNet stem 7×7/2 pad 3 on 224: 112; MobileNetV2 3×3/2 pad 1 on 112: 56; dilation 2 pad 2 keeps the size.
        Assert.Equal(new[] { 1, 64, 112, 112 }, Functional.Conv2d(Tensor.Zeros(1, 3, 224, 224), Tensor.Zeros(64, 3, 7, 7), null, Conv2dOptions.Square(2, 3) with { Groups = 1 }).Shape);
        Assert.Equal(new[] { 1, 8, 56, 56 }, Functional.Conv2d(Tensor.Zeros(1, 8, 112, 112), Tensor.Zeros(8, 1, 3, 3), null, Conv2dOptions.Square(2, 1) with { Groups = 8 }).Shape);
        Assert.Equal(new[] { 1, 2, 9, 10 }, Functional.Conv2d(Tensor.Zeros(1, 1, 9, 10), Tensor.Zeros(2, 1, 3, 3), null, new Conv2dOptions { Padding = Padding2d.Uniform(2), DilationHeight = 2, DilationWidth = 2 }).Shape);

        // TensorFlow-style SAME padding of an even image with stride 2: one extra column on the right only.
        Assert.Equal(new[] { 1, 1, 4, 4 }, Functional.Conv2d(Tensor.Zeros(1, 1, 8, 8), Tensor.Zeros(1, 1, 3, 3), null, new Conv2dOptions { StrideHeight = 2, StrideWidth = 2, Padding = new Padding2d(0, 0, 1, 1) }).Shape);
    }

    [Fact]
    public void Square_options_give_the_bits_of_the_square_overload_forward_and_backward()
    {
        var rng = new Random(71);
        Tensor x = GradCheck.Uniform(rng, -1, 1, 3, 3, 11, 9);
        Tensor w = GradCheck.Uniform(rng, -1, 1, 4, 3, 3, 3);
        Tensor b = GradCheck.Uniform(rng, -1, 1, 4);
        x.RequiresGrad = true;
        w.RequiresGrad = true;
        b.RequiresGrad = true;
        Tensor seed = GradCheck.Uniform(rng, -1, 1, 3, 4, 6, 5);
        Tensor[] square = Tape.Grad(Functional.Conv2d(x, w, b, 2, 1), [x, w, b], seed);
        Tensor[] general = Tape.Grad(Functional.Conv2d(x, w, b, Conv2dOptions.Square(2, 1)), [x, w, b], seed);
        Assert.Equal(Functional.Conv2d(x, w, b, 2, 1).ToArray(), Functional.Conv2d(x, w, b, Conv2dOptions.Square(2, 1)).ToArray());
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(square[i].ToArray(), general[i].ToArray());
        }
    }

    [Fact]
    public void Conv2d_refuses_bad_groups_attributes_and_oversized_kernels()
    {
        var e = Assert.Throws<ShapeMismatchException>(() => Functional.Conv2d(Tensor.Zeros(1, 4, 8, 8), Tensor.Zeros(4, 4, 3, 3), null, new Conv2dOptions { Groups = 2 }));
        Assert.Equal("conv2d: weight has shape [4,4,3,3] but input x [1,4,8,8] in 2 groups needs [OC,4/2,KH,KW] with OC a multiple of 2", e.Message);
        Assert.Throws<ShapeMismatchException>(() => Functional.Conv2d(Tensor.Zeros(1, 4, 8, 8), Tensor.Zeros(3, 2, 3, 3), null, new Conv2dOptions { Groups = 2 }));
        Assert.Throws<InvalidInputException>(() => Functional.Conv2d(Tensor.Zeros(1, 1, 8, 8), Tensor.Zeros(1, 1, 3, 3), null, new Conv2dOptions { StrideWidth = 0 }));
        Assert.Throws<InvalidInputException>(() => Functional.Conv2d(Tensor.Zeros(1, 1, 8, 8), Tensor.Zeros(1, 1, 3, 3), null, new Conv2dOptions { Padding = new Padding2d(0, -1, 0, 0) }));
        Assert.Throws<InvalidInputException>(() => Functional.Conv2d(Tensor.Zeros(1, 1, 8, 8), Tensor.Zeros(1, 1, 3, 3), null, new Conv2dOptions { Groups = 0 }));
        var big = Assert.Throws<ShapeMismatchException>(() => Functional.Conv2d(Tensor.Zeros(1, 1, 5, 5), Tensor.Zeros(1, 1, 3, 3), null, new Conv2dOptions { DilationHeight = 3 }));
        Assert.Contains("7×3 dilated kernel is larger than the 5×5 padded input", big.Message);
    }

    private static Conv2dOptions Options(int sh, int sw, int[] pads, int dh, int dw, int groups) => new()
    {
        StrideHeight = sh,
        StrideWidth = sw,
        Padding = new Padding2d(pads[0], pads[1], pads[2], pads[3]),
        DilationHeight = dh,
        DilationWidth = dw,
        Groups = groups,
    };
}
