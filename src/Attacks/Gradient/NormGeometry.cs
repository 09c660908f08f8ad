using FoolingCluster.Attacks.Distances;
using FoolingCluster.Tensors;

namespace FoolingCluster.Attacks.Gradient;

/// <summary>
/// Everything a gradient-descent attack does differently under one norm: where a random start
/// lands, how a gradient becomes a unit step, and how a point is brought back into the ε-ball
/// (Foolbox's <c>get_random_start</c>, <c>normalize</c>, <c>project</c>).
/// </summary>
/// <remarks>Tensors are <c>[N,…]</c>; each sample is treated on its own, in place.</remarks>
public abstract class NormGeometry
{
    /// <summary>The L∞ box: uniform start, sign of the gradient, clamp.</summary>
    public static NormGeometry Linf { get; } = new LinfGeometry();

    /// <summary>The L2 ball: uniform start in the ball, unit-length gradient, rescale.</summary>
    public static NormGeometry L2 { get; } = new L2Geometry();

    /// <summary>The distance whose ball this is.</summary>
    public abstract Distance Distance { get; }

    /// <summary>Overwrites <paramref name="x"/> with a random point of the ε-ball around <paramref name="x0"/> (not yet clamped to [0,1]).</summary>
    /// <param name="x0">The inputs <c>[N,…]</c>.</param>
    /// <param name="x">Same shape; receives the starting points.</param>
    /// <param name="epsilon">The radius.</param>
    /// <param name="rng">The source of randomness, for reproducible runs.</param>
    public abstract void RandomStart(Tensor x0, Tensor x, float epsilon, Random rng);

    /// <summary>Turns each sample's gradient into a step direction of unit norm (or zero), in place.</summary>
    /// <param name="gradient"><c>[N,…]</c>.</param>
    public abstract void Normalize(Tensor gradient);

    /// <summary>Moves each sample of <paramref name="x"/> to the nearest point of the ε-ball around its input, in place.</summary>
    /// <param name="x">The current points <c>[N,…]</c>.</param>
    /// <param name="x0">The inputs, same shape.</param>
    /// <param name="epsilon">The radius.</param>
    public void Project(Tensor x, Tensor x0, float epsilon)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(x0);
        int size = SampleSize(x);
        Span<float> xs = x.Span;
        ReadOnlySpan<float> x0s = x0.Span;
        System.Numerics.Tensors.TensorPrimitives.Subtract(xs, x0s, xs);
        for (int start = 0; start < xs.Length; start += size)
        {
            Distance.ClipSample(xs.Slice(start, size), epsilon);
        }

        System.Numerics.Tensors.TensorPrimitives.Add(xs, x0s, xs);
    }

    /// <summary>Values per sample of an <c>[N,…]</c> tensor.</summary>
    protected static int SampleSize(Tensor t)
    {
        ArgumentNullException.ThrowIfNull(t);
        return t.Rank == 0 || t.Shape[0] == 0 ? Math.Max(t.Size, 1) : t.Size / t.Shape[0];
    }
}
