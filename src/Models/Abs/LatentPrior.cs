namespace FoolingCluster.Models.Abs;

/// <summary>
/// The latent codes ABS inference starts from: draws from the prior N(0, I) of which the
/// least likely are dismissed, as the authors' <c>GaussianSamples</c> does.
/// </summary>
public static class LatentPrior
{
    /// <summary>
    /// Draws ⌈count / (1 − dismiss)⌉ codes and keeps the <paramref name="count"/> of highest
    /// prior density, i.e. nearest the origin, ordered from the nearest out.
    /// </summary>
    /// <param name="count">Codes to return.</param>
    /// <param name="dismissFraction">Share of the draws to throw away, in [0,1).</param>
    /// <param name="seed">Seed of the draws.</param>
    /// <returns><c>[count,8]</c>.</returns>
    public static float[] Draw(int count, double dismissFraction, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        if (!(dismissFraction >= 0 && dismissFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(dismissFraction), dismissFraction, "the dismissed fraction must be in [0,1)");
        }

        const int d = ClassVae.LatentSize;
        int drawn = Math.Max(count, (int)Math.Ceiling(count / (1 - dismissFraction)));
        var draws = new float[drawn * d];
        StandardNormal.Fill(new Random(seed), draws);
        var norms = new float[drawn];
        for (int i = 0; i < drawn; i++)
        {
            ReadOnlySpan<float> z = draws.AsSpan(i * d, d);
            norms[i] = System.Numerics.Tensors.TensorPrimitives.Dot(z, z);
        }

        int[] order = Enumerable.Range(0, drawn).ToArray();
        // Ties broken by draw order, so the result does not depend on the sort's stability.
        Array.Sort(order, (a, b) => norms[a] != norms[b] ? norms[a].CompareTo(norms[b]) : a.CompareTo(b));
        var kept = new float[count * d];
        for (int i = 0; i < count; i++)
        {
            draws.AsSpan(order[i] * d, d).CopyTo(kept.AsSpan(i * d, d));
        }

        return kept;
    }
}
