using FoolingCluster.Evolution.Evaluation;
using FoolingCluster.Runs;
using FoolingCluster.Tensors;

namespace FoolingCluster.Runs.Export;

/// <summary>One elite judged by a second model.</summary>
/// <param name="Cell">Class the elite fools.</param>
/// <param name="RunConfidence">Its confidence under the run's model, recomputed now.</param>
/// <param name="OtherConfidence">The second model's probability of the same class.</param>
/// <param name="OtherTopClass">The second model's top class for the image.</param>
/// <param name="OtherTopConfidence">Its probability.</param>
public sealed record TransferRow(int Cell, float RunConfidence, float OtherConfidence, int OtherTopClass, float OtherTopConfidence);

/// <summary>
/// Do fooling images fool another network too? (Nguyen et al. 2015 §3.5.) Each elite of a run
/// is classified by the run's model and by a second one.
/// </summary>
public static class TransferCheck
{
    /// <summary>Classifies every elite of <paramref name="run"/> with both models.</summary>
    /// <exception cref="ShapeMismatchException">The second model reads images of another shape or has another number of classes.</exception>
    public static IReadOnlyList<TransferRow> Run(SavedRun run, IImageClassifier other)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(other);
        ModuleClassifier own = run.Classifier;
        if (other.InputShape != run.Shape || other.Classes != own.Classes)
        {
            throw new ShapeMismatchException($"the run's images are {run.Shape} with {own.Classes} classes; the other model reads {other.InputShape} with {other.Classes} classes");
        }

        int n = run.Elites.Count;
        int size = run.Shape.Size;
        int k = own.Classes;
        var images = new float[n * size];
        for (int i = 0; i < n; i++)
        {
            run.Elites[i].Image.CopyTo(images, i * size);
        }

        var ownP = new float[n * k];
        var otherP = new float[n * k];
        own.Classify(images, n, ownP);
        other.Classify(images, n, otherP);
        var rows = new TransferRow[n];
        for (int i = 0; i < n; i++)
        {
            int cell = run.Elites[i].Cell;
            ReadOnlySpan<float> p = otherP.AsSpan(i * k, k);
            int top = System.Numerics.Tensors.TensorPrimitives.IndexOfMax(p);
            rows[i] = new TransferRow(cell, ownP[(i * k) + cell], p[cell], top, p[top]);
        }

        return rows;
    }
}
