using FoolingCluster.Attacks;
using FoolingCluster.Attacks.Robustness;
using FoolingCluster.Tensors;

namespace FoolingCluster.Cli.Commands;

/// <summary>
/// <c>eval-robustness</c> without <c>--cluster</c>: the images go through the evaluation in slices,
/// as they go to workers with it, and a stop (Ctrl-C, SIGTERM) keeps the slices finished before it.
/// </summary>
/// <remarks>
/// Each slice is evaluated as a worker evaluates it, so the figures are those of the same
/// <c>--slice</c> over a cluster; with one slice they are those of all images at once.
/// </remarks>
internal static class LocalRobustness
{
    /// <summary>Evaluates every slice in turn, or those finished before a stop.</summary>
    /// <param name="plan">Attacks per norm.</param>
    /// <param name="model">The model as the plan attacks it.</param>
    /// <param name="images"><c>[N,C,H,W]</c> in [0,1].</param>
    /// <param name="labels">N true labels.</param>
    /// <param name="sliceSize">Images evaluated at once.</param>
    /// <param name="progress">Told after each attack of each slice.</param>
    /// <param name="sliceDone">Told the images finished after each slice; null for silence.</param>
    /// <param name="cancel">Checked between attacks and at their every step; a stop drops the slice under way.</param>
    /// <returns>The result over the first images finished (all N unless a stop came first); null when a stop came before the first slice was finished.</returns>
    public static RobustnessResult? Run(RobustnessPlan plan, IAttackModel model, Tensor images, int[] labels, int sliceSize, IProgress<RobustnessProgress> progress, IProgress<int>? sliceDone, CancellationToken cancel)
    {
        var evaluation = new RobustnessEvaluation(plan);
        int n = labels.Length;
        int size = images.Size / n;
        var finished = new List<RobustnessResult>();
        try
        {
            for (int start = 0; start < n; start += sliceSize)
            {
                int b = Math.Min(sliceSize, n - start);
                using TensorScope scope = TensorScope.Begin();
                Tensor slice = b == n ? images : Tensor.FromArray(images.Span.Slice(start * size, b * size), [b, .. images.Shape[1..]]);
                finished.Add(evaluation.Run(model, slice, labels[start..(start + b)], progress, cancel));
                sliceDone?.Report(start + b);
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            // The slice under way is dropped; the finished ones are kept.
        }

        return finished.Count == 0 ? null : finished.Count == 1 ? finished[0] : RobustnessResult.Concatenate(finished);
    }
}
