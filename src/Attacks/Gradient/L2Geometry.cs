using FoolingCluster.Attacks.Distances;
using FoolingCluster.Tensors;

namespace FoolingCluster.Attacks.Gradient;

/// <summary>The L2 ball of radius ε around each input.</summary>
internal sealed class L2Geometry : NormGeometry
{
    public override Distance Distance => Distances.Distance.L2;

    /// <summary>
    /// A point drawn uniformly from the ball: a Gaussian direction scaled to length
    /// <c>ε·u^(1/d)</c>, u uniform in [0,1), d the values per sample.
    /// </summary>
    public override void RandomStart(Tensor x0, Tensor x, float epsilon, Random rng)
    {
        int size = SampleSize(x0);
        ReadOnlySpan<float> from = x0.Span;
        Span<float> to = x.Span;
        for (int start = 0; start < to.Length; start += size)
        {
            Span<float> direction = to.Slice(start, size);
            for (int i = 0; i < size; i++)
            {
                direction[i] = Gaussian(rng);
            }

            double norm = Distance.Norm(direction);
            double radius = epsilon * Math.Pow(rng.NextDouble(), 1.0 / size);
            float scale = norm > 0 ? (float)(radius / norm) : 0f;
            for (int i = 0; i < size; i++)
            {
                direction[i] = from[start + i] + (scale * direction[i]);
            }
        }
    }

    /// <summary>Each sample divided by its L2 norm (at least 1e-12, so a zero gradient stays zero).</summary>
    public override void Normalize(Tensor gradient)
    {
        int size = SampleSize(gradient);
        Span<float> g = gradient.Span;
        for (int start = 0; start < g.Length; start += size)
        {
            Span<float> sample = g.Slice(start, size);
            double norm = Math.Max(Distance.Norm(sample), 1e-12);
            System.Numerics.Tensors.TensorPrimitives.Multiply(sample, (float)(1.0 / norm), sample);
        }
    }

    /// <summary>A standard normal draw (Box–Muller).</summary>
    private static float Gaussian(Random rng)
    {
        double u1 = 1.0 - rng.NextDouble();
        double u2 = rng.NextDouble();
        return (float)(Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2));
    }
}
