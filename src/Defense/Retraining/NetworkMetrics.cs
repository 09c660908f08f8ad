namespace FoolingCluster.Defense.Retraining;

/// <summary>What one network of the retraining loop measured: written to its folder as metrics.json once complete.</summary>
/// <param name="Network">1 for the plain MNIST network, k + 1 after k rounds.</param>
/// <param name="Outputs">10, or 11 with the fooling class.</param>
/// <param name="FoolingTrainImages">Fooling-class images it was trained on (all earlier rounds').</param>
/// <param name="CleanAccuracy">Accuracy on the MNIST test set's real classes (an image put in the fooling class counts as wrong).</param>
/// <param name="HeldOutImages">Fooling images of the previous round held out of training (0 for the first network).</param>
/// <param name="HeldOutRejected">Fraction of them this network puts in the fooling class; null for the first network.</param>
/// <param name="PgdAccuracy">Accuracy under L∞ PGD on the first test images; null when not measured.</param>
/// <param name="BestConfidence">Per real class, the best confidence the search against this network reached.</param>
/// <param name="GenerationTo9999">Per real class, the first generation whose elite reached 99.99 %, or null.</param>
/// <param name="FoundImages">Distinct images the search recorded at or above the loop's confidence floor.</param>
/// <param name="TrainSeconds">Time spent training it.</param>
/// <param name="SearchSeconds">Time spent searching against it.</param>
public sealed record NetworkMetrics(
    int Network,
    int Outputs,
    int FoolingTrainImages,
    double CleanAccuracy,
    int HeldOutImages,
    double? HeldOutRejected,
    double? PgdAccuracy,
    float[] BestConfidence,
    int?[] GenerationTo9999,
    int FoundImages,
    double TrainSeconds,
    double SearchSeconds)
{
    /// <summary>File name in a network's folder.</summary>
    public const string File = "metrics.json";

    /// <summary>Real classes whose best confidence reached 99.99 %.</summary>
    public int ClassesFooled => BestConfidence.Count(c => c >= 0.9999f);

    /// <summary>Median of <see cref="BestConfidence"/>.</summary>
    public double MedianConfidence
    {
        get
        {
            float[] sorted = [.. BestConfidence.Order()];
            int mid = sorted.Length / 2;
            return sorted.Length == 0 ? double.NaN : sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2.0;
        }
    }

    /// <summary>Median generation to 99.99 % over the classes that got there; null when none did.</summary>
    public double? MedianGenerations
    {
        get
        {
            int[] reached = [.. GenerationTo9999.Where(g => g is not null).Select(g => g!.Value).Order()];
            if (reached.Length == 0)
            {
                return null;
            }

            int mid = reached.Length / 2;
            return reached.Length % 2 == 1 ? reached[mid] : (reached[mid - 1] + reached[mid]) / 2.0;
        }
    }
}
