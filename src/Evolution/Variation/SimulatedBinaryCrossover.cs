using FoolingCluster.Evolution.Randomness;

namespace FoolingCluster.Evolution.Variation;

/// <summary>
/// Simulated binary crossover with bounds (Deb &amp; Agrawal 1995) in the form of Sferes2's
/// <c>evo_float</c>, which the reference experiments used: every gene pair that differs is
/// recombined into two children spread around the parents by a distribution of index η, the
/// children are clamped to [low, high] and handed out in random order; equal genes are copied.
/// </summary>
public static class SimulatedBinaryCrossover
{
    private const double Epsilon = 1e-14;

    /// <summary>Crosses <paramref name="a"/> and <paramref name="b"/> gene by gene.</summary>
    /// <param name="a">First parent, <c>[G]</c>.</param>
    /// <param name="b">Second parent, <c>[G]</c>.</param>
    /// <param name="childA">First child, <c>[G]</c>.</param>
    /// <param name="childB">Second child, <c>[G]</c>.</param>
    /// <param name="low">Lower bound.</param>
    /// <param name="high">Upper bound.</param>
    /// <param name="eta">Distribution index η (10 in the reference experiments).</param>
    /// <param name="random">Generator.</param>
    public static void Cross(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> childA, Span<float> childB, float low, float high, float eta, DeterministicRandom random)
    {
        for (int i = 0; i < a.Length; i++)
        {
            double x1 = a[i];
            double x2 = b[i];
            if (Math.Abs(x1 - x2) <= Epsilon)
            {
                childA[i] = a[i];
                childB[i] = b[i];
                continue;
            }

            double y1 = Math.Min(x1, x2);
            double y2 = Math.Max(x1, x2);
            double r = random.NextDouble();
            double c1 = Child(y1, y2, y1 - low, r, eta, -1);
            double c2 = Child(y1, y2, high - y2, r, eta, +1);
            c1 = Math.Clamp(c1, low, high);
            c2 = Math.Clamp(c2, low, high);
            bool swap = random.NextDouble() < 0.5;
            childA[i] = (float)(swap ? c2 : c1);
            childB[i] = (float)(swap ? c1 : c2);
        }
    }

    /// <summary>One child of the pair y1 ≤ y2, on the side given by <paramref name="sign"/>.</summary>
    private static double Child(double y1, double y2, double distanceToBound, double r, double eta, int sign)
    {
        double beta = 1.0 + (2.0 * distanceToBound / (y2 - y1));
        double alpha = 2.0 - Math.Pow(beta, -(eta + 1.0));
        double betaQ = r <= 1.0 / alpha
            ? Math.Pow(r * alpha, 1.0 / (eta + 1.0))
            : Math.Pow(1.0 / (2.0 - (r * alpha)), 1.0 / (eta + 1.0));
        return 0.5 * ((y1 + y2) + (sign * betaQ * (y2 - y1)));
    }
}
