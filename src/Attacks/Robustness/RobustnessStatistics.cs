namespace FoolingCluster.Attacks.Robustness;

/// <summary>Accuracy at a radius and median distance, the two figures of the ABS paper's table.</summary>
public static class RobustnessStatistics
{
    /// <summary>Fraction of images whose smallest adversarial lies farther than <paramref name="distance"/> (or was never found).</summary>
    /// <param name="smallest">Per image: smallest adversarial distance, 0 for clean errors, +∞ where none was found.</param>
    /// <param name="distance">The radius.</param>
    public static double AccuracyWithin(IReadOnlyList<double> smallest, double distance)
    {
        ArgumentNullException.ThrowIfNull(smallest);
        return smallest.Count == 0 ? double.NaN : smallest.Count(d => d > distance) / (double)smallest.Count;
    }

    /// <summary>
    /// Median over all images, failures counted as +∞ (so +∞ when half or more failed) and clean
    /// errors as 0; the mean of the two middle values for an even count.
    /// </summary>
    public static double Median(IReadOnlyList<double> smallest)
    {
        ArgumentNullException.ThrowIfNull(smallest);
        if (smallest.Count == 0)
        {
            return double.NaN;
        }

        double[] sorted = [.. smallest.Order()];
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /// <summary>Accuracy as a function of the radius, sampled at <paramref name="points"/> radii from 0 to <paramref name="max"/>: the curve of the ABS paper's Figure 2.</summary>
    public static (double X, double Y)[] Curve(IReadOnlyList<double> smallest, double max, int points = 201)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(points, 2);
        double[] sorted = [.. smallest.Order()];
        var curve = new (double X, double Y)[points];
        for (int p = 0; p < points; p++)
        {
            double x = max * p / (points - 1);
            int within = UpperBound(sorted, x);
            curve[p] = (x, sorted.Length == 0 ? double.NaN : (sorted.Length - within) / (double)sorted.Length);
        }

        return curve;
    }

    private static int UpperBound(double[] sorted, double x)
    {
        int lo = 0;
        int hi = sorted.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) / 2;
            if (sorted[mid] <= x)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }
}
