using FoolingCluster.Tensors;

namespace FoolingCluster.Attacks.Criteria;

/// <summary>Targeted: a sample is adversarial when the model's top class is its target class.</summary>
public sealed class TargetedMisclassification : Criterion
{
    private readonly int[] _targets;

    /// <param name="targets">The class each of the N samples should be taken for.</param>
    public TargetedMisclassification(ReadOnlySpan<int> targets) => _targets = CopyClasses(targets, nameof(targets));

    /// <summary>The target classes, N of them.</summary>
    public ReadOnlySpan<int> Targets => _targets;

    /// <inheritdoc/>
    public override int Count => _targets.Length;

    /// <inheritdoc/>
    public override Criterion Select(ReadOnlySpan<int> samples) => new TargetedMisclassification(Pick(_targets, samples));

    /// <inheritdoc/>
    public override bool[] IsAdversarial(Tensor logits)
    {
        int[] predicted = PredictionsOfCount(logits);
        bool[] adversarial = new bool[predicted.Length];
        for (int i = 0; i < predicted.Length; i++)
        {
            adversarial[i] = predicted[i] == _targets[i];
        }

        return adversarial;
    }
}
