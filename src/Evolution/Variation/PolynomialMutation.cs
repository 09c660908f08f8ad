using FoolingCluster.Evolution.Randomness;

namespace FoolingCluster.Evolution.Variation;

/// <summary>
/// Polynomial mutation (Deb &amp; Goyal 1996) in the form Sferes2's <c>evo_float</c> uses for
/// the reference experiments: a step δ ∈ (−1, 1) scaled to the range, drawn from a polynomial
/// distribution that concentrates near 0 as η grows, then clamped to [low, high]. Clamping
/// (rather than shrinking steps near the bounds) lets values reach and stay at the bounds, so
/// evolved images can become fully black or white in places.
/// </summary>
public static class PolynomialMutation
{
    /// <summary>Mutates one value.</summary>
    /// <param name="value">Current value in [<paramref name="low"/>, <paramref name="high"/>].</param>
    /// <param name="low">Lower bound.</param>
    /// <param name="high">Upper bound.</param>
    /// <param name="eta">Distribution index η (15 for direct genes in the reference experiments).</param>
    /// <param name="random">Generator.</param>
    public static float Mutate(float value, float low, float high, float eta, DeterministicRandom random)
    {
        double r = random.NextDouble();
        double power = 1.0 / (eta + 1.0);
        double delta = r < 0.5
            ? Math.Pow(2.0 * r, power) - 1.0
            : 1.0 - Math.Pow(2.0 * (1.0 - r), power);
        return (float)Math.Clamp(value + (delta * (high - low)), low, high);
    }
}
