using FoolingCluster.Tensors.Autograd;
using FoolingCluster.Tensors.Ops;
using FoolingCluster.Tensors.Tests.Support;
using Xunit;

namespace FoolingCluster.Tensors.Tests;

public class LeakyReluClipTests
{
    [Theory]
    [InlineData(0.01f)]
    [InlineData(0.2f)]
    [InlineData(1.5f)]
    public void LeakyRelu_matches_its_definition_and_finite_differences(float alpha)
    {
        var rng = new Random(83);
        Tensor x = GradCheck.AwayFrom(rng, -2, 2, [0f], 0.05f, 3, 4, 5);
        Tensor y = Functional.LeakyRelu(x, alpha);
        for (int i = 0; i < x.Size; i++)
        {
            Assert.Equal(x[i] > 0 ? x[i] : alpha * x[i], y[i]);
        }

        GradCheck.Check(t => Functional.LeakyRelu(t[0], alpha), [x]);
    }

    [Fact]
    public void LeakyRelu_gradient_at_zero_is_alpha_as_in_pytorch()
    {
        Tensor x = Tensor.FromArray([0f, -1f, 1f], 3);
        x.RequiresGrad = true;
        Tensor g = Tape.Grad(Functional.LeakyRelu(x, 0.1f), x, Tensor.Full(1f, 3));
        Assert.Equal([0.1f, 0.1f, 1f], g.ToArray());
    }

    [Theory]
    [InlineData(0f, 6f)]
    [InlineData(-0.5f, 0.5f)]
    public void Clip_matches_its_definition_and_finite_differences(float min, float max)
    {
        var rng = new Random(89);
        Tensor x = GradCheck.AwayFrom(rng, -8, 8, [min, max], 0.05f, 2, 3, 7);
        Tensor y = Functional.Clip(x, min, max);
        for (int i = 0; i < x.Size; i++)
        {
            Assert.Equal(Math.Min(Math.Max(x[i], min), max), y[i]);
        }

        GradCheck.Check(t => Functional.Clip(t[0], min, max), [x]);
        Assert.Equal(Functional.Clamp(x, min, max).ToArray(), y.ToArray());
    }

    [Fact]
    public void Clip_follows_onnx_for_missing_and_crossed_bounds_and_passes_the_gradient_at_the_bounds()
    {
        Tensor x = Tensor.FromArray([-3f, 0f, 6f, 9f, float.NaN], 5);
        Assert.Equal([0f, 0f, 6f, 9f, float.NaN], Functional.Clip(x, 0f, null).ToArray());
        Assert.Equal([-3f, 0f, 6f, 6f, float.NaN], Functional.Clip(x, null, 6f).ToArray());
        Assert.Equal([1f, 1f, 1f, 1f, float.NaN], Functional.Clip(x, 2f, 1f).ToArray());

        // Like Clamp and PyTorch's clamp: at x = min and x = max the gradient passes.
        x.RequiresGrad = true;
        Tensor g = Tape.Grad(Functional.Clip(x, 0f, 6f), x, Tensor.Full(1f, 5));
        Assert.Equal([0f, 1f, 1f, 0f, 0f], g.ToArray());
        Tensor crossed = Tape.Grad(Functional.Clip(x, 2f, 1f), x, Tensor.Full(1f, 5));
        Assert.All(crossed.ToArray(), v => Assert.Equal(0f, v));
    }
}
