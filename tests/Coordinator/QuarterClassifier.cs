using FoolingCluster.Evolution.Evaluation;
using FoolingCluster.Evolution.Genomes;

namespace FoolingCluster.Coordinator.Tests;

/// <summary>
/// Softmax of 4 × the pixel sums of a 4×4 grey image's four quarters, over four classes: cheap,
/// deterministic, sensitive to every pixel. Counts the images it classifies.
/// </summary>
internal sealed class QuarterClassifier : IImageClassifier
{
    /// <summary>The 4×4 grey images it reads.</summary>
    public static readonly ImageShape Shape = new(1, 4, 4);

    /// <summary>Images classified so far; tests reset it.</summary>
    public int Images { get; set; }

    public ImageShape InputShape => Shape;

    public int Classes => 4;

    public void Classify(ReadOnlySpan<float> images, int count, Span<float> probabilities)
    {
        Images += count;
        for (int n = 0; n < count; n++)
        {
            var logits = new double[Classes];
            for (int i = 0; i < 16; i++)
            {
                logits[i / 4] += 4 * images[(n * 16) + i];
            }

            double max = logits.Max();
            double sum = logits.Sum(l => Math.Exp(l - max));
            for (int c = 0; c < Classes; c++)
            {
                probabilities[(n * Classes) + c] = (float)(Math.Exp(logits[c] - max) / sum);
            }
        }
    }
}
