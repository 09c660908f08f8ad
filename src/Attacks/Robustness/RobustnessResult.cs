namespace FoolingCluster.Attacks.Robustness;

/// <summary>What one attack found for every image, in one norm.</summary>
/// <param name="Attack">Catalog name.</param>
/// <param name="Description">The attack's settings, for reports.</param>
/// <param name="Distances">Per image: the distance of its adversarial, 0 for images misclassified already, +∞ where none was found.</param>
/// <param name="Seconds">Wall-clock time of the attack over all images.</param>
public sealed record AttackDistances(string Attack, string Description, double[] Distances, double Seconds);

/// <summary>Every attack's findings in one norm, and per image the smallest of them.</summary>
/// <param name="Norm">l0, l2 or linf.</param>
/// <param name="Attacks">One entry per attack, in plan order.</param>
/// <param name="Smallest">Per image: the smallest distance over the attacks (+∞ where none succeeded).</param>
/// <param name="Best">Per image: index into <paramref name="Attacks"/> of the attack that found it, −1 where none did.</param>
/// <param name="Adversarials">The closest adversarial of each image, <c>[N·size]</c>; the image itself where none was found.</param>
public sealed record NormRobustness(string Norm, IReadOnlyList<AttackDistances> Attacks, double[] Smallest, int[] Best, float[] Adversarials)
{
    /// <summary>Fraction of images with no adversarial within <paramref name="distance"/>: accuracy under the attacks at that radius.</summary>
    public double AccuracyWithin(double distance) => RobustnessStatistics.AccuracyWithin(Smallest, distance);

    /// <summary>Median of <see cref="Smallest"/>, failures counted as +∞ and clean errors as 0 (Schott et al. 2019).</summary>
    public double MedianDistance => RobustnessStatistics.Median(Smallest);
}

/// <summary>A robustness evaluation of N images: clean predictions and, per norm, the smallest adversarial distances.</summary>
/// <param name="Labels">N true labels.</param>
/// <param name="CleanCorrect">N flags: whether the model classifies the unperturbed image correctly.</param>
/// <param name="ImageSize">Values per image.</param>
/// <param name="Norms">One entry per evaluated norm, in plan order.</param>
public sealed record RobustnessResult(int[] Labels, bool[] CleanCorrect, int ImageSize, IReadOnlyList<NormRobustness> Norms)
{
    /// <summary>Images N.</summary>
    public int Count => Labels.Length;

    /// <summary>Fraction classified correctly before any attack.</summary>
    public double CleanAccuracy => Count == 0 ? 0 : CleanCorrect.Count(c => c) / (double)Count;

    /// <summary>The results of consecutive slices of images joined into one, as if evaluated together.</summary>
    /// <exception cref="ArgumentException">No slices, or slices of different plans or image sizes.</exception>
    public static RobustnessResult Concatenate(IReadOnlyList<RobustnessResult> slices)
    {
        ArgumentNullException.ThrowIfNull(slices);
        if (slices.Count == 0)
        {
            throw new ArgumentException("at least one slice is needed", nameof(slices));
        }

        RobustnessResult first = slices[0];
        foreach (RobustnessResult slice in slices)
        {
            bool samePlan = slice.ImageSize == first.ImageSize
                && slice.Norms.Select(n => n.Norm).SequenceEqual(first.Norms.Select(n => n.Norm))
                && slice.Norms.Zip(first.Norms).All(p => p.First.Attacks.Select(a => a.Attack).SequenceEqual(p.Second.Attacks.Select(a => a.Attack)));
            if (!samePlan)
            {
                throw new ArgumentException("slices must come from the same plan and image size", nameof(slices));
            }
        }

        var norms = new List<NormRobustness>();
        for (int k = 0; k < first.Norms.Count; k++)
        {
            NormRobustness[] parts = slices.Select(s => s.Norms[k]).ToArray();
            var attacks = new List<AttackDistances>();
            for (int a = 0; a < first.Norms[k].Attacks.Count; a++)
            {
                AttackDistances[] pieces = parts.Select(p => p.Attacks[a]).ToArray();
                attacks.Add(new AttackDistances(pieces[0].Attack, pieces[0].Description, [.. pieces.SelectMany(p => p.Distances)], pieces.Sum(p => p.Seconds)));
            }

            norms.Add(new NormRobustness(first.Norms[k].Norm, attacks, [.. parts.SelectMany(p => p.Smallest)], [.. parts.SelectMany(p => p.Best)], [.. parts.SelectMany(p => p.Adversarials)]));
        }

        return new RobustnessResult([.. slices.SelectMany(s => s.Labels)], [.. slices.SelectMany(s => s.CleanCorrect)], first.ImageSize, norms);
    }
}
