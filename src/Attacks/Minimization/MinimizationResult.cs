using FoolingCluster.Attacks.Distances;
using FoolingCluster.Tensors;

namespace FoolingCluster.Attacks.Minimization;

/// <summary>What a minimisation attack returns for N inputs: the closest adversarial it found for each.</summary>
/// <param name="Adversarials"><c>[N,C,H,W]</c> in [0,1]: the adversarial of each input where the attack succeeded, the input itself where it failed.</param>
/// <param name="Success">N flags: whether the returned image meets the criterion, judged again on it.</param>
/// <param name="Distances">N distances from the inputs in <paramref name="Distance"/>'s norm; +∞ where the attack failed.</param>
/// <param name="Distance">The norm the attack minimises.</param>
/// <remarks>The tensor belongs to no <see cref="TensorScope"/>; it lives as long as the result.</remarks>
public sealed record MinimizationResult(Tensor Adversarials, bool[] Success, double[] Distances, Distance Distance)
{
    /// <summary>Number of inputs N.</summary>
    public int Count => Success.Length;

    /// <summary>Fraction of the inputs for which an adversarial was found.</summary>
    public double SuccessRate => Count == 0 ? 0 : Success.Count(s => s) / (double)Count;

    /// <summary>The median distance over the successes (the mean of the two middle ones for an even count); NaN when there are none.</summary>
    public double MedianDistance
    {
        get
        {
            double[] found = Distances.Where((_, i) => Success[i]).Order().ToArray();
            if (found.Length == 0)
            {
                return double.NaN;
            }

            int mid = found.Length / 2;
            return found.Length % 2 == 1 ? found[mid] : (found[mid - 1] + found[mid]) / 2;
        }
    }
}
