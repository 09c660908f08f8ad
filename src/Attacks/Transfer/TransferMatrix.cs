namespace FoolingCluster.Attacks.Transfer;

/// <summary>
/// How adversarials crafted on one model fare on the others (Szegedy et al., ICLR 2014, Table 2):
/// for M models and N labelled images, each model's clean accuracy and an M×M matrix whose
/// entry [s,t] counts the images still classified correctly by model t after the attack was
/// run on model s. The diagonal is the white-box attack; the rest is transfer.
/// </summary>
/// <remarks>
/// The figures are accuracies (correct / N). Szegedy et al. report the error rate on each
/// distorted set, which is 1 − accuracy here. Clean errors are kept in the counts, as in
/// Foolbox: an image a target gets wrong unattacked is also wrong in its column.
/// </remarks>
/// <param name="Names">The M model names, in the order of rows and columns.</param>
/// <param name="Count">Images N.</param>
/// <param name="CleanCorrect">M counts: originals each model classifies as their label.</param>
/// <param name="Correct"><c>[M,M]</c>: adversarials of row s that model t (column) classifies as their label.</param>
/// <param name="Adversarials">M arrays, each <c>[N,C,H,W]</c> flattened: the clipped adversarials crafted on model s.</param>
/// <param name="MeanRmsDistortion">
/// M values: the mean over the N images of √(Σ(x′ − x)² / D) for D values per image, the distortion
/// measure of Szegedy et al.'s tables, of the adversarials crafted on model s.
/// </param>
/// <param name="Seconds">M durations: crafting on model s and classifying its adversarials with every model.</param>
public sealed record TransferMatrix(
    IReadOnlyList<string> Names,
    int Count,
    int[] CleanCorrect,
    int[,] Correct,
    float[][] Adversarials,
    double[] MeanRmsDistortion,
    double[] Seconds)
{
    /// <summary>Number of models M.</summary>
    public int Models => Names.Count;

    /// <summary>Fraction of the originals model <paramref name="model"/> classifies correctly.</summary>
    public double CleanAccuracy(int model) => Fraction(CleanCorrect[model]);

    /// <summary>Fraction of the adversarials crafted on <paramref name="source"/> that <paramref name="target"/> still classifies correctly.</summary>
    public double Accuracy(int source, int target) => Fraction(Correct[source, target]);

    /// <summary>
    /// Mean accuracy of the other models on the adversarials crafted on <paramref name="source"/>
    /// (the row without its diagonal); NaN with a single model.
    /// </summary>
    public double TransferAccuracy(int source)
    {
        if (Models < 2)
        {
            return double.NaN;
        }

        double sum = 0;
        for (int t = 0; t < Models; t++)
        {
            sum += t == source ? 0 : Accuracy(source, t);
        }

        return sum / (Models - 1);
    }

    private double Fraction(int k) => Count == 0 ? 0 : (double)k / Count;
}
