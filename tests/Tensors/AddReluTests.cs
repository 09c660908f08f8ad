using FoolingCluster.Tensors.Ops;
using FoolingCluster.Tensors.Tests.Support;
using Xunit;

namespace FoolingCluster.Tensors.Tests;

/// <summary>
/// <see cref="Functional.AddRelu"/>, the end of a residual block: the bits of the sum then the
/// ReLU, NaN and signed zeros included, across block edges and thread counts; broadcast operands
/// and the tape run the two ops, with their gradients checked by finite differences.
/// </summary>
public sealed class AddReluTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(2048)]
    [InlineData(2049)]
    [InlineData(64 * 56 * 56)]
    public void Fused_add_relu_gives_the_bits_of_add_then_relu(int size)
    {
        var rng = new Random(size);
        float[] a = new float[size], b = new float[size];
        for (int i = 0; i < size; i++)
        {
            a[i] = (float)((rng.NextDouble() * 4) - 2);
            b[i] = (float)((rng.NextDouble() * 4) - 2);
        }

        // NaN from either side, a sum of −0 and sums that cancel exactly to +0.
        a[0] = float.NaN;
        if (size > 3)
        {
            b[1] = float.NaN;
            (a[2], b[2]) = (-0f, -0f);
            (a[3], b[3]) = (1.5f, -1.5f);
        }

        Tensor ta = Tensor.FromArray(a, 1, size), tb = Tensor.FromArray(b, 1, size);
        float[] expected = Functional.Relu(Functional.Add(ta, tb)).ToArray();
        foreach (int threads in new[] { 1, 2, 3 })
        {
            using Engine.ThreadLimit limit = Engine.OnThisThread(threads);
            float[] fused = Functional.AddRelu(ta, tb).ToArray();
            Assert.True(expected.Select(BitConverter.SingleToInt32Bits).SequenceEqual(fused.Select(BitConverter.SingleToInt32Bits)), $"size {size}, {threads} threads");
        }
    }

    [Fact]
    public void Broadcast_operands_are_added_then_rectified()
    {
        Tensor x = Tensor.FromArray([1f, -2f, 3f, -4f, 5f, -6f], 2, 3);
        Tensor row = Tensor.FromArray([0.5f, 1f, -10f], 3);

        Assert.Equal([1.5f, 0f, 0f, 0f, 6f, 0f], Functional.AddRelu(x, row).ToArray());
        Assert.Throws<ShapeMismatchException>(() => Functional.AddRelu(x, Tensor.FromArray([1f, 2f], 2)));
    }

    [Fact]
    public void On_the_tape_it_has_the_gradients_of_add_then_relu()
    {
        var rng = new Random(3);
        float[] Values(int n) => [.. Enumerable.Range(0, n).Select(_ => (float)((rng.NextDouble() * 2) - 1))];
        GradCheck.Check(t => Functional.AddRelu(t[0], t[1]), [Tensor.FromArray(Values(24), 2, 3, 4), Tensor.FromArray(Values(24), 2, 3, 4)], h: 1e-3);
        GradCheck.Check(t => Functional.AddRelu(t[0], t[1]), [Tensor.FromArray(Values(24), 2, 3, 4), Tensor.FromArray(Values(4), 4)], h: 1e-3);
    }
}
