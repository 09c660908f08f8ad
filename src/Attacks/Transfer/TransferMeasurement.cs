using System.Diagnostics;
using FoolingCluster.Attacks.Criteria;
using FoolingCluster.Attacks.Distances;
using FoolingCluster.Tensors;

namespace FoolingCluster.Attacks.Transfer;

/// <summary>
/// Measures a <see cref="TransferMatrix"/>: crafts untargeted adversarials at one ε on each model
/// in turn and has every model classify them (Szegedy et al., ICLR 2014, §4.3 and Table 2).
/// </summary>
/// <remarks>
/// The images go through in slices: each slice is attacked on the source model and its
/// adversarials are classified by all M models before the next slice, so memory holds one
/// slice's intermediates besides the kept adversarials and progress can be reported per slice.
/// An attack with a random start (PGD) draws it afresh from its seed for every slice, so its
/// figures depend on the slice size as well as on the seed.
/// </remarks>
public static class TransferMeasurement
{
    /// <summary>Images attacked at once when no slice size is given.</summary>
    public const int DefaultSliceSize = 500;

    /// <summary>Crafts adversarials on every model and classifies them with every model.</summary>
    /// <param name="models">M ≥ 1 models with distinct names; each is both a source and a target.</param>
    /// <param name="createAttack">Builds the attack; called once per source so no source shares an attack object with another.</param>
    /// <param name="epsilon">Radius of the attack's ε-ball, in its own norm.</param>
    /// <param name="images"><c>[N,C,H,W]</c> with N ≥ 1 and every value in [0,1]; not changed.</param>
    /// <param name="labels">N true classes.</param>
    /// <param name="sliceSize">Images attacked and classified at once.</param>
    /// <param name="progress">Told after every slice; may be null.</param>
    /// <param name="cancel">Checked between slices.</param>
    /// <exception cref="ArgumentException">No models, a repeated or empty name, or labels that do not match the images.</exception>
    /// <exception cref="InvalidInputException">An image value outside [0,1], or an ε the attack's norm refuses.</exception>
    public static TransferMatrix Run(
        IReadOnlyList<TransferModel> models,
        Func<FixedEpsilonAttack> createAttack,
        float epsilon,
        Tensor images,
        int[] labels,
        int sliceSize = DefaultSliceSize,
        IProgress<TransferProgress>? progress = null,
        CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(createAttack);
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfLessThan(sliceSize, 1);
        CheckModels(models);
        if (images.Rank < 2 || images.Shape[0] < 1)
        {
            throw new ShapeMismatchException($"transfer images must be [N,C,H,W] with N ≥ 1; got {Tensor.ShapeString(images.Shape)}");
        }

        int n = images.Shape[0];
        if (labels.Length != n)
        {
            throw new ArgumentException($"{labels.Length} labels for {n} images", nameof(labels));
        }

        int m = models.Count;
        int size = images.Size / n;
        int[] cleanCorrect = new int[m];
        for (int t = 0; t < m; t++)
        {
            cleanCorrect[t] = CountCorrect(models[t].Model, images, labels);
        }

        var correct = new int[m, m];
        var adversarials = new float[m][];
        double[] distortion = new double[m];
        double[] seconds = new double[m];
        for (int s = 0; s < m; s++)
        {
            var clock = Stopwatch.StartNew();
            FixedEpsilonAttack attack = createAttack();
            adversarials[s] = new float[n * size];
            for (int start = 0; start < n; start += sliceSize)
            {
                cancel.ThrowIfCancellationRequested();
                int b = Math.Min(sliceSize, n - start);
                using TensorScope scope = TensorScope.Begin();
                Tensor slice = Tensor.FromArray(images.Span.Slice(start * size, b * size), SliceShape(images, b));
                int[] sliceLabels = labels[start..(start + b)];
                Tensor crafted = Craft(attack, models[s].Model, slice, sliceLabels, epsilon);
                crafted.Span.CopyTo(adversarials[s].AsSpan(start * size, b * size));
                distortion[s] += Distance.L2.Measure(slice, crafted).Sum(l2 => l2 / Math.Sqrt(size)) / n;
                for (int t = 0; t < m; t++)
                {
                    correct[s, t] += CountCorrect(models[t].Model, crafted, sliceLabels);
                }

                progress?.Report(new TransferProgress(s, m, models[s].Name, start + b, n, (start + b) / Math.Max(clock.Elapsed.TotalSeconds, 1e-9)));
            }

            seconds[s] = clock.Elapsed.TotalSeconds;
        }

        return new TransferMatrix([.. models.Select(model => model.Name)], n, cleanCorrect, correct, adversarials, distortion, seconds);
    }

    /// <summary>The clipped adversarials of one slice, as a tensor of the current scope.</summary>
    private static Tensor Craft(FixedEpsilonAttack attack, IAttackModel source, Tensor slice, int[] labels, float epsilon)
    {
        AttackResult result = attack.Run(source, slice, new Misclassification(labels), [epsilon]);
        try
        {
            return result.Clipped[0].Clone();
        }
        finally
        {
            // The result's tensors belong to no scope; their pooled storage goes back here.
            foreach (Tensor t in result.Raw.Concat(result.Clipped))
            {
                t.Dispose();
            }
        }
    }

    private static int CountCorrect(IAttackModel model, Tensor images, int[] labels)
    {
        using TensorScope scope = TensorScope.Begin();
        int[] predicted = Criterion.Predictions(model.Logits(images));
        int correct = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            correct += predicted[i] == labels[i] ? 1 : 0;
        }

        return correct;
    }

    private static void CheckModels(IReadOnlyList<TransferModel> models)
    {
        ArgumentNullException.ThrowIfNull(models);
        if (models.Count == 0)
        {
            throw new ArgumentException("a transfer matrix needs at least one model", nameof(models));
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (TransferModel model in models)
        {
            ArgumentNullException.ThrowIfNull(model);
            if (string.IsNullOrWhiteSpace(model.Name) || !seen.Add(model.Name))
            {
                throw new ArgumentException($"model names must be distinct and not empty; '{model.Name}' is {(string.IsNullOrWhiteSpace(model.Name) ? "empty" : "repeated")}", nameof(models));
            }
        }
    }

    private static int[] SliceShape(Tensor images, int count)
    {
        int[] shape = (int[])images.Shape.Clone();
        shape[0] = count;
        return shape;
    }
}
