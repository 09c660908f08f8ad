using FoolingCluster.Tensors;

namespace FoolingCluster.Attacks.Criteria;

/// <summary>
/// Decides, per sample, whether a perturbed input counts as adversarial, from the model's
/// logits (Foolbox's criteria). Criteria are immutable and combine with <see cref="And"/>.
/// </summary>
public abstract class Criterion
{
    /// <summary>Number of samples N the criterion judges (one label or target each).</summary>
    public abstract int Count { get; }

    /// <summary>Whether each sample is adversarial.</summary>
    /// <param name="logits"><c>[N,K]</c> logits of the perturbed inputs.</param>
    /// <returns>N flags.</returns>
    /// <exception cref="ShapeMismatchException">The logits are not <c>[N,K]</c> with N = <see cref="Count"/>.</exception>
    public abstract bool[] IsAdversarial(Tensor logits);

    /// <summary>The same criterion for some of its samples, in the order given.</summary>
    /// <param name="samples">Indices in [0, <see cref="Count"/>).</param>
    public abstract Criterion Select(ReadOnlySpan<int> samples);

    /// <summary>A criterion met where both this one and <paramref name="other"/> are.</summary>
    public Criterion And(Criterion other) => new AndCriterion(this, other);

    /// <summary>The arg-max class of each row of <c>[N,K]</c> logits (the first on ties).</summary>
    public static int[] Predictions(Tensor logits)
    {
        ArgumentNullException.ThrowIfNull(logits);
        if (logits.Rank != 2)
        {
            throw new ShapeMismatchException($"logits must be [N,K]; got {Tensor.ShapeString(logits.Shape)}");
        }

        int n = logits.Shape[0];
        int k = logits.Shape[1];
        int[] predictions = new int[n];
        ReadOnlySpan<float> all = logits.Span;
        for (int i = 0; i < n; i++)
        {
            predictions[i] = System.Numerics.Tensors.TensorPrimitives.IndexOfMax(all.Slice(i * k, k));
        }

        return predictions;
    }

    /// <summary>Checks that <paramref name="logits"/> has one row per judged sample.</summary>
    protected int[] PredictionsOfCount(Tensor logits)
    {
        int[] predictions = Predictions(logits);
        if (predictions.Length != Count)
        {
            throw new ShapeMismatchException($"the criterion judges {Count} samples but the logits have {predictions.Length} rows");
        }

        return predictions;
    }

    /// <summary>The classes of the chosen samples.</summary>
    protected static int[] Pick(int[] classes, ReadOnlySpan<int> samples)
    {
        int[] picked = new int[samples.Length];
        for (int i = 0; i < samples.Length; i++)
        {
            picked[i] = classes[samples[i]];
        }

        return picked;
    }

    /// <summary>Copies class indices, checking that none is negative.</summary>
    protected static int[] CopyClasses(ReadOnlySpan<int> classes, string what)
    {
        for (int i = 0; i < classes.Length; i++)
        {
            if (classes[i] < 0)
            {
                throw new ArgumentOutOfRangeException(what, classes[i], $"{what}[{i}] is negative");
            }
        }

        return classes.ToArray();
    }
}
