using FoolingCluster.Tensors.Ops;
using FoolingCluster.Tensors.Tests.Support;
using Xunit;

namespace FoolingCluster.Tensors.Tests;

public class ConvGradientTests
{
    /// <summary>x shape, weight shape, stride, padding; weight is [OC,C,KH,KW].</summary>
    public static TheoryData<int[], int[], int, int> ConvCases => new()
    {
        { new[] { 1, 1, 3, 3 }, new[] { 1, 1, 3, 3 }, 1, 0 },
        { new[] { 2, 2, 5, 4 }, new[] { 3, 2, 3, 2 }, 1, 1 },
        { new[] { 2, 3, 5, 5 }, new[] { 2, 3, 3, 3 }, 2, 2 },
        { new[] { 1, 3, 4, 3 }, new[] { 2, 3, 1, 1 }, 1, 0 },
        { new[] { 3, 1, 6, 7 }, new[] { 2, 1, 4, 4 }, 2, 1 },
        { new[] { 2, 2, 2, 2 }, new[] { 1, 2, 5, 5 }, 3, 2 },
    };

    /// <summary>x shape, weight shape, stride, padding, outputPadding; weight is [Cin,Cout,KH,KW].</summary>
    public static TheoryData<int[], int[], int, int, int> TransposeCases => new()
    {
        { new[] { 1, 1, 1, 1 }, new[] { 1, 1, 4, 4 }, 1, 0, 0 },
        { new[] { 2, 2, 3, 2 }, new[] { 2, 3, 3, 3 }, 2, 1, 1 },
        { new[] { 1, 3, 3, 3 }, new[] { 3, 2, 5, 5 }, 2, 2, 1 },
        { new[] { 2, 2, 2, 3 }, new[] { 2, 1, 1, 1 }, 1, 0, 0 },
        { new[] { 1, 2, 2, 2 }, new[] { 2, 2, 2, 3 }, 3, 0, 2 },
    };

    [Theory]
    [MemberData(nameof(ConvCases))]
    public void Conv2d_backward_matches_finite_differences(int[] xShape, int[] wShape, int stride, int padding)
    {
        var rng = new Random(41);
        Tensor x = GradCheck.Uniform(rng, -1, 1, xShape);
        Tensor w = GradCheck.Uniform(rng, -1, 1, wShape);
        Tensor b = GradCheck.Uniform(rng, -1, 1, wShape[0]);
        GradCheck.Check(t => Functional.Conv2d(t[0], t[1], t[2], stride, padding), [x, w, b]);
    }

    [Fact]
    public void Conv2d_without_bias_backward_matches_finite_differences()
    {
        var rng = new Random(43);
        Tensor x = GradCheck.Uniform(rng, -1, 1, 2, 3, 5, 6);
        Tensor w = GradCheck.Uniform(rng, -1, 1, 2, 3, 3, 3);
        GradCheck.Check(t => Functional.Conv2d(t[0], t[1], null, 2, 1), [x, w]);
    }

    [Theory]
    [MemberData(nameof(TransposeCases))]
    public void ConvTranspose2d_backward_matches_finite_differences(int[] xShape, int[] wShape, int stride, int padding, int outputPadding)
    {
        var rng = new Random(47);
        Tensor x = GradCheck.Uniform(rng, -1, 1, xShape);
        Tensor w = GradCheck.Uniform(rng, -1, 1, wShape);
        Tensor b = GradCheck.Uniform(rng, -1, 1, wShape[1]);
        GradCheck.Check(t => Functional.ConvTranspose2d(t[0], t[1], t[2], stride, padding, outputPadding), [x, w, b]);
    }

    [Fact]
    public void Conv2d_only_computes_the_gradient_asked_for()
    {
        var rng = new Random(53);
        Tensor x = GradCheck.Uniform(rng, -1, 1, 2, 1, 6, 6);
        Tensor w = GradCheck.Uniform(rng, -1, 1, 2, 1, 3, 3);
        x.RequiresGrad = true;
        Tensor y = Functional.Conv2d(x, w, null);
        Tensor gx = Autograd.Tape.Grad(y, x, Tensor.Full(1f, y.Shape));
        Assert.Equal(x.Shape, gx.Shape);
        Assert.Null(w.Grad);
    }

    [Fact]
    public void Conv2d_names_both_shapes_when_channels_disagree()
    {
        Tensor x = Tensor.Zeros(8, 1, 28, 28);
        Tensor w = Tensor.Zeros(20, 3, 5, 5);
        var e = Assert.Throws<ShapeMismatchException>(() => Functional.Conv2d(x, w, null));
        Assert.Equal("conv2d: weight has shape [20,3,5,5] but input x [8,1,28,28] has 1 channel", e.Message);
    }

    [Fact]
    public void Conv2d_rejects_wrong_ranks_bias_and_oversized_kernels()
    {
        Assert.Throws<ShapeMismatchException>(() => Functional.Conv2d(Tensor.Zeros(1, 28, 28), Tensor.Zeros(2, 1, 3, 3), null));
        Assert.Throws<ShapeMismatchException>(() => Functional.Conv2d(Tensor.Zeros(1, 1, 28, 28), Tensor.Zeros(2, 1, 3), null));
        Assert.Throws<ShapeMismatchException>(() => Functional.Conv2d(Tensor.Zeros(1, 1, 28, 28), Tensor.Zeros(2, 1, 3, 3), Tensor.Zeros(3)));
        var e = Assert.Throws<ShapeMismatchException>(() => Functional.Conv2d(Tensor.Zeros(1, 1, 4, 4), Tensor.Zeros(2, 1, 7, 7), null, padding: 1));
        Assert.Contains("[2,1,7,7]", e.Message);
        Assert.Contains("[1,1,4,4]", e.Message);
        Functional.Conv2d(Tensor.Zeros(1, 1, 4, 4), Tensor.Zeros(2, 1, 6, 6), null, padding: 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => Functional.Conv2d(Tensor.Zeros(1, 1, 4, 4), Tensor.Zeros(2, 1, 3, 3), null, stride: 0));
    }

    [Fact]
    public void ConvTranspose2d_rejects_mismatched_shapes()
    {
        var e = Assert.Throws<ShapeMismatchException>(() => Functional.ConvTranspose2d(Tensor.Zeros(2, 8, 7, 7), Tensor.Zeros(16, 32, 5, 5), null, 2));
        Assert.Equal("conv_transpose2d: weight has shape [16,32,5,5] but input x [2,8,7,7] has 8 channels", e.Message);
        Assert.Throws<ShapeMismatchException>(() => Functional.ConvTranspose2d(Tensor.Zeros(2, 8, 7, 7), Tensor.Zeros(8, 32, 5, 5), Tensor.Zeros(8), 2));
        Assert.Throws<ShapeMismatchException>(() => Functional.ConvTranspose2d(Tensor.Zeros(1, 1, 1, 1), Tensor.Zeros(1, 1, 2, 2), null, 1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Functional.ConvTranspose2d(Tensor.Zeros(1, 1, 3, 3), Tensor.Zeros(1, 1, 2, 2), null, 2, 0, 2));
    }

    [Fact]
    public void Vae_decoder_shapes_follow_pytorch()
    {
        Tensor z = Tensor.Zeros(2, 8, 1, 1);
        Tensor h = Functional.ConvTranspose2d(z, Tensor.Zeros(8, 32, 4, 4), null, 1);
        Assert.Equal(new[] { 2, 32, 4, 4 }, h.Shape);
        h = Functional.ConvTranspose2d(h, Tensor.Zeros(32, 16, 5, 5), null, 2);
        Assert.Equal(new[] { 2, 16, 11, 11 }, h.Shape);
        h = Functional.ConvTranspose2d(h, Tensor.Zeros(16, 16, 5, 5), null, 2);
        Assert.Equal(new[] { 2, 16, 25, 25 }, h.Shape);
        h = Functional.ConvTranspose2d(h, Tensor.Zeros(16, 1, 4, 4), null, 1);
        Assert.Equal(new[] { 2, 1, 28, 28 }, h.Shape);
    }
}
