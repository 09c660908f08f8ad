using FoolingCluster.Tensors;

namespace FoolingCluster.Attacks.Criteria;

/// <summary>Untargeted: a sample is adversarial when the model's top class is not its true label.</summary>
public sealed class Misclassification : Criterion
{
    private readonly int[] _labels;

    /// <param name="labels">The true class of each of the N samples.</param>
    public Misclassification(ReadOnlySpan<int> labels) => _labels = CopyClasses(labels, nameof(labels));

    /// <summary>The true classes, N of them.</summary>
    public ReadOnlySpan<int> Labels => _labels;

    /// <inheritdoc/>
    public override int Count => _labels.Length;

    /// <inheritdoc/>
    public override Criterion Select(ReadOnlySpan<int> samples) => new Misclassification(Pick(_labels, samples));

    /// <inheritdoc/>
    public override bool[] IsAdversarial(Tensor logits)
    {
        int[] predicted = PredictionsOfCount(logits);
        bool[] adversarial = new bool[predicted.Length];
        for (int i = 0; i < predicted.Length; i++)
        {
            adversarial[i] = predicted[i] != _labels[i];
        }

        return adversarial;
    }
}
