using FoolingCluster.Attacks.Criteria;
using FoolingCluster.Attacks.Distances;
using FoolingCluster.Tensors;

namespace FoolingCluster.Attacks.Reporting;

/// <summary>Median and mean of one distance over the successful adversarials (NaN when there are none).</summary>
/// <param name="Norm">L∞, L2 or L0.</param>
/// <param name="Median">Middle value (the mean of the two middle ones for an even count).</param>
/// <param name="Mean">Average.</param>
public sealed record DistanceSummary(string Norm, double Median, double Mean);

/// <summary>
/// What an attack did to a labelled set: accuracy before and after, how often it succeeded,
/// and how far its successful adversarials moved.
/// </summary>
/// <param name="Count">Images N.</param>
/// <param name="CleanCorrect">Originals classified as their label.</param>
/// <param name="AdversarialCorrect">Adversarials still classified as their label.</param>
/// <param name="Successes">Adversarials that meet the criterion.</param>
/// <param name="CleanPredictions">Top class of each original.</param>
/// <param name="AdversarialPredictions">Top class of each adversarial.</param>
/// <param name="Distances">L∞, L2 and L0 from the originals, over the successful adversarials.</param>
public sealed record AttackStatistics(
    int Count,
    int CleanCorrect,
    int AdversarialCorrect,
    int Successes,
    int[] CleanPredictions,
    int[] AdversarialPredictions,
    IReadOnlyList<DistanceSummary> Distances)
{
    /// <summary>Fraction of the originals classified correctly.</summary>
    public double CleanAccuracy => Fraction(CleanCorrect);

    /// <summary>Fraction of the adversarials still classified correctly.</summary>
    public double AdversarialAccuracy => Fraction(AdversarialCorrect);

    /// <summary>Fraction of the adversarials that meet the criterion (Foolbox's success rate).</summary>
    public double SuccessRate => Fraction(Successes);

    /// <summary>Classifies originals and adversarials and measures the successful perturbations.</summary>
    /// <param name="model">The attacked classifier.</param>
    /// <param name="originals"><c>[N,C,H,W]</c>.</param>
    /// <param name="adversarials">Same shape: the clipped adversarials.</param>
    /// <param name="labels">N true classes.</param>
    /// <param name="success">N flags: the attack's success per image.</param>
    public static AttackStatistics Compute(IAttackModel model, Tensor originals, Tensor adversarials, ReadOnlySpan<int> labels, ReadOnlySpan<bool> success)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(originals);
        ArgumentNullException.ThrowIfNull(adversarials);
        int n = originals.Shape[0];
        if (labels.Length != n || success.Length != n || adversarials.Shape[0] != n)
        {
            throw new ShapeMismatchException($"{n} originals need as many adversarials, labels and success flags; got {adversarials.Shape[0]}, {labels.Length} and {success.Length}");
        }

        int[] clean;
        int[] attacked;
        using (TensorScope.Begin())
        {
            clean = Criterion.Predictions(model.Logits(originals));
            attacked = Criterion.Predictions(model.Logits(adversarials));
        }

        int cleanCorrect = 0;
        int adversarialCorrect = 0;
        int successes = 0;
        for (int i = 0; i < n; i++)
        {
            cleanCorrect += clean[i] == labels[i] ? 1 : 0;
            adversarialCorrect += attacked[i] == labels[i] ? 1 : 0;
            successes += success[i] ? 1 : 0;
        }

        var distances = new List<DistanceSummary>();
        foreach (Distance distance in new Distance[] { Distance.Linf, Distance.L2, Distance.L0 })
        {
            double[] all = distance.Measure(originals, adversarials);
            var successful = new List<double>();
            for (int i = 0; i < n; i++)
            {
                if (success[i])
                {
                    successful.Add(all[i]);
                }
            }

            distances.Add(new DistanceSummary(distance.Name, Median(successful), successful.Count == 0 ? double.NaN : successful.Average()));
        }

        return new AttackStatistics(n, cleanCorrect, adversarialCorrect, successes, clean, attacked, distances);
    }

    private double Fraction(int k) => Count == 0 ? 0 : (double)k / Count;

    private static double Median(List<double> values)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        double[] sorted = values.Order().ToArray();
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
