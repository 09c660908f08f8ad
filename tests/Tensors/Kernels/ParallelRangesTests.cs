using System.Numerics.Tensors;
using FoolingCluster.Tensors.Kernels;
using FoolingCluster.Tensors.Ops;
using Xunit;

namespace FoolingCluster.Tensors.Tests.Kernels;

/// <summary>
/// Work split into ranges over the engine's threads (<see cref="ParallelRanges"/>): every index is
/// visited exactly once, and Relu and Add give the bits of one pass over the whole tensor.
/// </summary>
public class ParallelRangesTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData((int)ParallelRanges.Threshold - 1)]
    [InlineData((int)ParallelRanges.Threshold)]
    [InlineData(100_003)]
    [InlineData(1 << 20)]
    public void Every_element_is_visited_once(int length)
    {
        int[] visits = new int[length];
        ParallelRanges.Run(length, length, 0, (first, last) =>
        {
            Assert.True(first >= 0 && first <= last && last <= length, $"range {first}..{last} of {length}");
            for (int i = first; i < last; i++)
            {
                Interlocked.Increment(ref visits[i]);
            }
        });
        Assert.All(visits, v => Assert.Equal(1, v));
    }

    [Fact]
    public void Relu_and_add_of_a_large_tensor_equal_one_pass_over_it()
    {
        const int n = 300_001;
        var rng = new Random(7);
        float[] a = Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        float[] b = Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        float[] relu = new float[n];
        float[] sum = new float[n];
        TensorPrimitives.Max(a, 0f, relu);
        TensorPrimitives.Add(a, b, sum);

        Tensor x = Tensor.FromArray(a, 1, 1, n);
        Tensor y = Tensor.FromArray(b, 1, 1, n);
        Assert.True(Functional.Relu(x).Span.SequenceEqual(relu));
        Assert.True(Functional.Add(x, y).Span.SequenceEqual(sum));
    }
}
