using FoolingCluster.Tensors.Ops;
using FoolingCluster.Tensors.Tests.Support;
using Xunit;

namespace FoolingCluster.Tensors.Tests;

public class ActivationGradientTests
{
    public static TheoryData<int[]> Shapes => new() { new[] { 1 }, new[] { 7 }, new[] { 3, 5 }, new[] { 2, 1, 3, 3 } };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Relu_backward_matches_finite_differences(int[] shape)
    {
        var rng = new Random(1);
        GradCheck.Check(x => Functional.Relu(x[0]), [GradCheck.AwayFrom(rng, -2, 2, [0f], 0.05f, shape)]);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Elu_backward_matches_finite_differences(int[] shape)
    {
        var rng = new Random(2);
        GradCheck.Check(x => Functional.Elu(x[0], 0.7f), [GradCheck.AwayFrom(rng, -2, 2, [0f], 0.05f, shape)]);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Sigmoid_backward_matches_finite_differences(int[] shape)
    {
        var rng = new Random(3);
        GradCheck.Check(x => Functional.Sigmoid(x[0]), [GradCheck.Uniform(rng, -4, 4, shape)]);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Tanh_backward_matches_finite_differences(int[] shape)
    {
        var rng = new Random(4);
        GradCheck.Check(x => Functional.Tanh(x[0]), [GradCheck.Uniform(rng, -3, 3, shape)]);
    }
}
