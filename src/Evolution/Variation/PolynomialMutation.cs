using FoolingCluster.Evolution.Randomness;

namespace FoolingCluster.Evolution.Variation;

/// <summary>
/// Deb's bounded polynomial mutation (Deb &amp; Goyal 1996; the form used by NSGA-II and
/// Sferes2's <c>evo_float</c>): a perturbation whose spread shrinks as η grows and which never
/// leaves [low, high].
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
        double range = high - low;
        double y = Math.Clamp(value, low, high);
        double delta1 = (y - low) / range;
        double delta2 = (high - y) / range;
        double r = random.NextDouble();
        double power = 1.0 / (eta + 1.0);
        double deltaQ;
        if (r < 0.5)
        {
            double v = (2.0 * r) + ((1.0 - (2.0 * r)) * Math.Pow(1.0 - delta1, eta + 1.0));
            deltaQ = Math.Pow(v, power) - 1.0;
        }
        else
        {
            double v = (2.0 * (1.0 - r)) + (2.0 * (r - 0.5) * Math.Pow(1.0 - delta2, eta + 1.0));
            deltaQ = 1.0 - Math.Pow(v, power);
        }

        return (float)Math.Clamp(y + (deltaQ * range), low, high);
    }
}
