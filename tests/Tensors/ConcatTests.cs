using FoolingCluster.Tensors.Ops;
using FoolingCluster.Tensors.Tests.Support;
using Xunit;

namespace FoolingCluster.Tensors.Tests;

public class ConcatTests
{
    /// <summary>Shapes of the inputs (agreeing off the axis) and the axis, negative included.</summary>
    public static TheoryData<int[][], int> Cases => new()
    {
        { new[] { new[] { 2, 3, 4, 5 }, new[] { 2, 1, 4, 5 }, new[] { 2, 2, 4, 5 } }, 1 },  // channels, as SqueezeNet's fire modules
        { new[] { new[] { 1, 2, 3, 3 }, new[] { 2, 2, 3, 3 } }, 0 },
        { new[] { new[] { 2, 2, 3, 1 }, new[] { 2, 2, 3, 4 } }, -1 },
        { new[] { new[] { 2, 3, 2, 2 }, new[] { 2, 3, 0, 2 }, new[] { 2, 3, 3, 2 } }, 2 },      // an empty part
        { new[] { new[] { 5 }, new[] { 3 } }, 0 },
        { new[] { new[] { 3, 4 } }, -2 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Concat_matches_the_definition_and_its_gradient_is_each_slice(int[][] shapes, int axis)
    {
        var rng = new Random(73);
        Tensor[] inputs = shapes.Select(s => GradCheck.Uniform(rng, -1, 1, s)).ToArray();
        Tensor y = Functional.Concat(inputs, axis);
        int a = axis < 0 ? axis + shapes[0].Length : axis;
        int[] expectedShape = (int[])shapes[0].Clone();
        expectedShape[a] = shapes.Sum(s => s[a]);
        Assert.Equal(expectedShape, y.Shape);

        // y at multi-index (…, k, …) is input i at (…, k − offset_i, …).
        int inner = Tensor.ShapeSize(expectedShape.AsSpan(a + 1));
        for (int flat = 0; flat < y.Size; flat++)
        {
            int k = flat / inner % expectedShape[a];
            int outerIndex = flat / inner / expectedShape[a];
            int rest = flat % inner;
            int i = 0;
            while (k >= shapes[i][a])
            {
                k -= shapes[i][a];
                i++;
            }

            Assert.Equal(inputs[i][(((outerIndex * shapes[i][a]) + k) * inner) + rest], y[flat]);
        }

        GradCheck.Check(t => Functional.Concat(t, axis), inputs);
    }

    [Fact]
    public void Concat_refuses_disagreeing_shapes_and_bad_axes()
    {
        var e = Assert.Throws<ShapeMismatchException>(() => Functional.Concat([Tensor.Zeros(1, 2, 3, 3), Tensor.Zeros(1, 2, 4, 3)], 1));
        Assert.Equal("concat: input 1 has shape [1,2,4,3] but input 0 has [1,2,3,3]; they may differ only on axis 1", e.Message);
        Assert.Throws<ShapeMismatchException>(() => Functional.Concat([Tensor.Zeros(1, 2), Tensor.Zeros(1, 2, 1)], 1));
        Assert.Throws<InvalidInputException>(() => Functional.Concat([Tensor.Zeros(1, 2)], 2));
        Assert.Throws<InvalidInputException>(() => Functional.Concat([Tensor.Zeros(1, 2)], -3));
        Assert.Throws<InvalidInputException>(() => Functional.Concat([], 0));
    }
}
