using FoolingCluster.Attacks.Distances;
using FoolingCluster.Tensors;
using Xunit;

namespace FoolingCluster.Attacks.Tests;

public class DistanceTests
{
    // Two samples of four values each.
    private static Tensor References() => Tensor.Wrap([0f, 0.5f, 1f, 0.25f, 0.5f, 0.5f, 0.5f, 0.5f], 2, 1, 2, 2);

    private static Tensor Perturbed() => Tensor.Wrap([0.3f, 0.5f, 0.6f, 0.25f, 0.5f, 0.5f, 0.5f, 0.5f], 2, 1, 2, 2);

    [Fact]
    public void Each_norm_measures_each_sample()
    {
        Assert.Equal([2, 0], Distance.L0.Measure(References(), Perturbed()));
        Assert.Equal([0.5, 0], Distance.L2.Measure(References(), Perturbed()), (a, b) => Math.Abs(a - b) < 1e-6);
        Assert.Equal([0.4, 0], Distance.Linf.Measure(References(), Perturbed()), (a, b) => Math.Abs(a - b) < 1e-6);
    }

    [Fact]
    public void Linf_clip_clamps_each_value_to_plus_minus_epsilon()
    {
        Tensor clipped = Distance.Linf.Clip(Tensor.Wrap([0.5f, -0.05f, -0.3f, 0f], 1, 4), 0.1f);
        Assert.Equal([0.1f, -0.05f, -0.1f, 0f], clipped.ToArray());
    }

    [Fact]
    public void L2_clip_shortens_long_perturbations_to_epsilon_and_keeps_their_direction()
    {
        // Sample 0 has length 5 and is cut to 1; sample 1 has length 0.5 and is kept.
        Tensor clipped = Distance.L2.Clip(Tensor.Wrap([3f, 4f, 0.3f, -0.4f], 2, 2), 1f);
        Assert.Equal([0.6f, 0.8f, 0.3f, -0.4f], clipped.ToArray(), (a, b) => Math.Abs(a - b) < 1e-6f);
    }

    [Fact]
    public void L0_clip_keeps_the_largest_changes()
    {
        Tensor clipped = Distance.L0.Clip(Tensor.Wrap([0.1f, -0.9f, 0.5f, 0.2f, 0f, 0f, 0.3f, 0f], 2, 4), 2.5f);
        Assert.Equal([0f, -0.9f, 0.5f, 0f, 0f, 0f, 0.3f, 0f], clipped.ToArray());
    }

    [Fact]
    public void Clip_leaves_its_argument_alone_and_refuses_a_negative_epsilon()
    {
        Tensor delta = Tensor.Wrap([0.5f, 0.5f], 1, 2);
        Distance.Linf.Clip(delta, 0.1f);
        Assert.Equal([0.5f, 0.5f], delta.ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => Distance.L2.Clip(delta, -1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => Distance.L2.Clip(delta, float.NaN));
    }

    [Fact]
    public void Measure_refuses_tensors_of_different_shapes()
    {
        Assert.Throws<ShapeMismatchException>(() => Distance.L2.Measure(Tensor.Zeros(2, 3), Tensor.Zeros(3, 2)));
    }
}
