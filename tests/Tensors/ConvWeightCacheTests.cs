using FoolingCluster.Tensors.Ops;
using FoolingCluster.Tensors.Optim;
using Xunit;

namespace FoolingCluster.Tensors.Tests;

/// <summary>
/// A convolution's weight packed once (<see cref="ConvWeightCache"/>): reused while the weight is
/// unchanged, packed again as soon as it changes, so a stale packing is never served.
/// </summary>
public class ConvWeightCacheTests
{
    private static readonly Conv2dOptions s_options = new() { StrideHeight = 2, StrideWidth = 1, Groups = 2, Padding = new Padding2d(1, 0, 1, 2) };

    [Fact]
    public void The_weight_is_packed_once_and_gives_the_uncached_result()
    {
        (Tensor x, Tensor w, Tensor b) = Operands();
        var cache = new ConvWeightCache();
        float[] expected = Functional.Conv2d(x, w, b, s_options).ToArray();
        for (int call = 0; call < 3; call++)
        {
            AssertClose(expected, Functional.Conv2d(x, w, b, s_options, cache));
        }

        Assert.Equal(1, cache.Packings);
    }

    [Fact]
    public void An_optimiser_step_on_the_weight_is_seen_by_the_next_call()
    {
        (Tensor x, Tensor w, Tensor b) = Operands();
        var cache = new ConvWeightCache();
        float[] before = Functional.Conv2d(x, w, b, s_options, cache).ToArray();

        w.Grad = Tensor.Full(1f, w.Shape);
        new Sgd([w], learningRate: 0.5f).Step();
        float[] expected = Functional.Conv2d(x, w, b, s_options).ToArray();
        Tensor after = Functional.Conv2d(x, w, b, s_options, cache);

        Assert.NotEqual(before, expected);
        AssertClose(expected, after);
        Assert.Equal(2, cache.Packings);
    }

    [Fact]
    public void Writes_through_the_indexer_and_marked_writes_are_seen_too()
    {
        (Tensor x, Tensor w, Tensor b) = Operands();
        var cache = new ConvWeightCache();
        Functional.Conv2d(x, w, b, s_options, cache);

        w[0] = 5f;
        AssertClose(Functional.Conv2d(x, w, b, s_options).ToArray(), Functional.Conv2d(x, w, b, s_options, cache));

        w.Span[1] = -3f;
        w.MarkModified();
        AssertClose(Functional.Conv2d(x, w, b, s_options).ToArray(), Functional.Conv2d(x, w, b, s_options, cache));
        Assert.Equal(3, cache.Packings);
    }

    [Fact]
    public void Another_weight_tensor_with_the_same_shape_is_packed_again()
    {
        (Tensor x, Tensor w, Tensor b) = Operands();
        var cache = new ConvWeightCache();
        Functional.Conv2d(x, w, b, s_options, cache);
        Tensor other = Tensor.Wrap(w.ToArray().Select(v => -v).ToArray(), w.Shape);
        AssertClose(Functional.Conv2d(x, other, b, s_options).ToArray(), Functional.Conv2d(x, other, b, s_options, cache));
        Assert.Equal(2, cache.Packings);
    }

    [Fact]
    public void The_conv2d_layer_keeps_its_weight_packed_and_follows_an_optimiser_step()
    {
        var layer = new NN.Conv2d(3, 8, 3, new Random(4), padding: 1);
        Tensor x = Tensor.Wrap([.. Enumerable.Range(0, 2 * 3 * 9 * 9).Select(i => MathF.Sin(i * 0.37f))], 2, 3, 9, 9);
        AssertClose(Functional.Conv2d(x, layer.Weight, layer.Bias, 1, 1).ToArray(), layer.Forward(x));
        AssertClose(Functional.Conv2d(x, layer.Weight, layer.Bias, 1, 1).ToArray(), layer.Forward(x));

        layer.Weight.Grad = Tensor.Full(0.25f, layer.Weight.Shape);
        new Sgd([layer.Weight], learningRate: 1f).Step();
        AssertClose(Functional.Conv2d(x, layer.Weight, layer.Bias, 1, 1).ToArray(), layer.Forward(x));
    }

    /// <summary>The packed product may sum in another order than the unpacked one, so only up to rounding.</summary>
    private static void AssertClose(float[] expected, Tensor actual)
    {
        Assert.Equal(expected.Length, actual.Size);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5f, $"y[{i}] = {actual[i]}, expected {expected[i]}");
        }
    }

    /// <summary>Input <c>[2,4,9,8]</c>, weight <c>[6,2,3,3]</c> (two groups) and bias <c>[6]</c>, seeded.</summary>
    private static (Tensor X, Tensor W, Tensor B) Operands()
    {
        var rng = new Random(5);
        Tensor Random(params int[] shape) => Tensor.Wrap(Enumerable.Range(0, Tensor.ShapeSize(shape)).Select(_ => (rng.NextSingle() * 2) - 1).ToArray(), shape);
        return (Random(2, 4, 9, 8), Random(6, 2, 3, 3), Random(6));
    }
}
