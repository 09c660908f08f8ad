using System.Globalization;

namespace FoolingCluster.Runs.Reporting;

/// <summary>Confidences as people read them.</summary>
public static class ConfidenceText
{
    /// <summary>
    /// A percentage with three decimals, truncated rather than rounded, so 0.99989 never shows
    /// as "99.99%" and a printed value at or above 99.99% really is one.
    /// </summary>
    public static string Percent(double confidence)
    {
        double truncated = Math.Floor(confidence * 100_000) / 1000;
        return truncated.ToString("F3", CultureInfo.InvariantCulture) + "%";
    }

    /// <summary>Largest value <see cref="Nines"/> returns: float32 probabilities cannot resolve much closer to 1.</summary>
    public const double MaxNines = 8;

    /// <summary>−log10(1 − p), the "nines" of a confidence: 4 means 99.99%. Capped at <see cref="MaxNines"/>.</summary>
    public static double Nines(double confidence) => Math.Min(MaxNines, -Math.Log10(Math.Max(1e-12, 1 - confidence)));
}
