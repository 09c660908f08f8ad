using FoolingCluster.Tensors;

namespace FoolingCluster.Attacks.Decision;

/// <summary>
/// What a minimisation attack returns for N inputs: the closest adversarial it found for each,
/// whether it is one, and how far it lies from its input (Foolbox's minimisation attacks run
/// without ε).
/// </summary>
/// <param name="Adversarials"><c>[N,C,H,W]</c> in [0,1]; where the attack failed, its last attempt.</param>
/// <param name="Success">N flags: whether each returned image meets the criterion, asked again of the returned image.</param>
/// <param name="Distances">N distances from the inputs in <paramref name="Norm"/> (0 where the input was already adversarial).</param>
/// <param name="Norm">The norm the attack minimises: L0, L2 or L∞.</param>
/// <param name="Queries">Images the attack sent to the model, the final check included.</param>
/// <remarks>The tensor belongs to no <see cref="TensorScope"/>; it lives as long as the result.</remarks>
public sealed record DecisionResult(Tensor Adversarials, bool[] Success, double[] Distances, string Norm, long Queries)
{
    /// <summary>Number of inputs N.</summary>
    public int Count => Success.Length;

    /// <summary>Fraction of the inputs for which an adversarial was found.</summary>
    public double SuccessRate => Count == 0 ? 0 : Success.Count(s => s) / (double)Count;

    /// <summary>
    /// Fraction of the inputs with no adversarial within <paramref name="epsilon"/>: the model's
    /// accuracy against this attack at that radius (inputs misclassified already count as lost).
    /// </summary>
    public double AccuracyWithin(double epsilon)
    {
        int robust = 0;
        for (int i = 0; i < Count; i++)
        {
            if (!(Success[i] && Distances[i] <= epsilon))
            {
                robust++;
            }
        }

        return Count == 0 ? 0 : robust / (double)Count;
    }

    /// <summary>The perturbation size of each input, with +∞ where the attack failed.</summary>
    public double[] PerturbationSizes() =>
        Enumerable.Range(0, Count).Select(i => Success[i] ? Distances[i] : double.PositiveInfinity).ToArray();

    /// <summary>
    /// Median perturbation size over all inputs, failures counted as +∞ and inputs misclassified
    /// already as 0 (the convention of Schott et al. 2019); +∞ when half or more failed.
    /// </summary>
    public double MedianDistance()
    {
        double[] sizes = PerturbationSizes();
        if (sizes.Length == 0)
        {
            return double.NaN;
        }

        Array.Sort(sizes);
        int mid = sizes.Length / 2;
        return sizes.Length % 2 == 1 ? sizes[mid] : (sizes[mid - 1] + sizes[mid]) / 2;
    }
}
