using FoolingCluster.Tensors.Ops;
using FoolingCluster.Tensors.Tests.Support;
using Xunit;

namespace FoolingCluster.Tensors.Tests;

public class PoolGradientTests
{
    /// <summary>x shape, kernel, stride.</summary>
    public static TheoryData<int[], int, int> Cases => new()
    {
        { new[] { 1, 1, 1, 1 }, 1, 1 },
        { new[] { 2, 3, 4, 4 }, 2, 2 },
        { new[] { 1, 2, 5, 7 }, 2, 2 },
        { new[] { 2, 1, 5, 5 }, 3, 2 },
        { new[] { 1, 2, 6, 5 }, 2, 1 },
        { new[] { 3, 1, 7, 4 }, 3, 3 },
        { new[] { 1, 1, 4, 4 }, 4, 1 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void MaxPool2d_backward_matches_finite_differences(int[] shape, int kernel, int stride)
    {
        // Values 0.1 apart, so a ±h probe never changes which input is a window's maximum.
        var rng = new Random(59);
        Tensor x = Tensor.Empty(shape);
        float[] values = new float[x.Size];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = 0.1f * (i - (values.Length / 2));
        }

        rng.Shuffle(values);
        values.CopyTo(x.Span);
        GradCheck.Check(t => Functional.MaxPool2d(t[0], kernel, stride), [x]);
    }

    [Fact]
    public void MaxPool2d_floors_the_output_like_pytorch()
    {
        Tensor y = Functional.MaxPool2d(Tensor.Zeros(2, 20, 25, 24), 2, 2);
        Assert.Equal(new[] { 2, 20, 12, 12 }, y.Shape);
        y = Functional.MaxPool2d(Tensor.Zeros(1, 1, 7, 7), 3, 2);
        Assert.Equal(new[] { 1, 1, 3, 3 }, y.Shape);
    }

    [Fact]
    public void MaxPool2d_rejects_inputs_smaller_than_the_window()
    {
        var e = Assert.Throws<ShapeMismatchException>(() => Functional.MaxPool2d(Tensor.Zeros(1, 1, 3, 1), 2, 2));
        Assert.Contains("[1,1,3,1]", e.Message);
        Assert.Throws<ShapeMismatchException>(() => Functional.MaxPool2d(Tensor.Zeros(3, 4, 4), 2, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => Functional.MaxPool2d(Tensor.Zeros(1, 1, 4, 4), 2, 0));
    }
}
