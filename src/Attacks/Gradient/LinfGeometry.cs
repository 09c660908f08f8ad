using FoolingCluster.Attacks.Distances;
using FoolingCluster.Tensors;

namespace FoolingCluster.Attacks.Gradient;

/// <summary>The L∞ ball: a box of half-width ε around each input.</summary>
internal sealed class LinfGeometry : NormGeometry
{
    public override Distance Distance => Distances.Distance.Linf;

    /// <summary>Each value moved by an independent uniform draw from [−ε, ε] (Madry et al. 2018).</summary>
    public override void RandomStart(Tensor x0, Tensor x, float epsilon, Random rng)
    {
        ReadOnlySpan<float> from = x0.Span;
        Span<float> to = x.Span;
        for (int i = 0; i < to.Length; i++)
        {
            to[i] = from[i] + (epsilon * ((2f * rng.NextSingle()) - 1f));
        }
    }

    /// <summary>The sign of each value: the steepest unit-L∞ ascent direction (Goodfellow et al. 2015).</summary>
    public override void Normalize(Tensor gradient)
    {
        Span<float> g = gradient.Span;
        for (int i = 0; i < g.Length; i++)
        {
            g[i] = g[i] > 0f ? 1f : g[i] < 0f ? -1f : 0f;
        }
    }
}
