namespace FoolingCluster.Evolution.Archive;

/// <summary>A summary of the archive; confidences are over filled cells only (0 when none is filled).</summary>
/// <param name="Cells">Number of cells (classes).</param>
/// <param name="Filled">Cells holding an elite.</param>
/// <param name="MinConfidence">Lowest elite confidence.</param>
/// <param name="MedianConfidence">Median elite confidence.</param>
/// <param name="MaxConfidence">Highest elite confidence.</param>
/// <param name="QdScore">Sum of elite confidences (the quality-diversity score; empty cells count 0).</param>
/// <param name="AtLeast99">Cells whose elite has confidence ≥ 0.99.</param>
/// <param name="AtLeast9999">Cells whose elite has confidence ≥ 0.9999, the paper's fooling threshold.</param>
public sealed record ArchiveStats(int Cells, int Filled, float MinConfidence, float MedianConfidence, float MaxConfidence, double QdScore, int AtLeast99, int AtLeast9999)
{
    /// <summary>Confidence at or above which an image counts as fooling (Nguyen et al. 2015).</summary>
    public const float FoolingThreshold = 0.9999f;

    /// <summary>Fraction of cells filled.</summary>
    public double Coverage => Cells == 0 ? 0 : (double)Filled / Cells;
}
