using System.Diagnostics;
using FoolingCluster.Attacks.Criteria;
using FoolingCluster.Attacks.Minimization;
using FoolingCluster.Tensors;

namespace FoolingCluster.Attacks.Robustness;

/// <summary>One attack finished during a robustness evaluation.</summary>
/// <param name="Norm">The norm it ran in.</param>
/// <param name="Attack">Its catalog name.</param>
/// <param name="Done">Attacks finished so far, this one included.</param>
/// <param name="Total">Attacks in the plan.</param>
/// <param name="Seconds">Its wall-clock time.</param>
/// <param name="Median">Median distance of its adversarials over the images (+∞ when half or more failed).</param>
public sealed record RobustnessProgress(string Norm, string Attack, int Done, int Total, double Seconds, double Median);

/// <summary>
/// The robustness evaluation of Schott et al. (2019): every image is attacked by every attack of
/// each norm, and its robustness in that norm is the smallest adversarial distance any of them
/// found.
/// </summary>
/// <param name="plan">Attacks per norm.</param>
public sealed class RobustnessEvaluation(RobustnessPlan plan)
{
    /// <summary>The attacks per norm.</summary>
    public RobustnessPlan Plan { get; } = plan ?? throw new ArgumentNullException(nameof(plan));

    /// <summary>Evaluates a model on labelled images.</summary>
    /// <param name="model">The classifier as it is (the plan binarises its inputs or estimates its gradients where it says so); attacks that differentiate the logits need an <see cref="ILogitGradientModel"/>.</param>
    /// <param name="images"><c>[N,C,H,W]</c> in [0,1].</param>
    /// <param name="labels">N true labels.</param>
    /// <param name="progress">Told after each attack; null for silence.</param>
    /// <param name="cancel">Checked between attacks and at every step of each; a stop throws and returns nothing.</param>
    /// <exception cref="ShapeMismatchException">The labels do not match the images.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancel"/> was cancelled.</exception>
    public RobustnessResult Run(IAttackModel model, Tensor images, int[] labels, IProgress<RobustnessProgress>? progress = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        if (images.Rank < 2 || images.Shape[0] != labels.Length)
        {
            throw new ShapeMismatchException($"robustness images {Tensor.ShapeString(images.Shape)} for {labels.Length} labels");
        }

        model = Plan.Attacked(model);
        int n = labels.Length;
        int size = images.Size / n;
        var criterion = new Misclassification(labels);
        bool[] cleanCorrect;
        using (TensorScope.Begin())
        {
            cleanCorrect = criterion.IsAdversarial(model.Logits(images)).Select(wrong => !wrong).ToArray();
        }

        int total = Plan.Norms.Sum(p => p.Attacks.Count);
        int done = 0;
        var norms = new List<NormRobustness>();
        foreach (NormPlan normPlan in Plan.Norms)
        {
            IReadOnlyList<IMinimizingAttack> attacks = Plan.Build(normPlan);
            var findings = new List<AttackDistances>();
            double[] smallest = Enumerable.Repeat(double.PositiveInfinity, n).ToArray();
            int[] best = Enumerable.Repeat(-1, n).ToArray();
            float[] adversarials = images.ToArray();
            for (int a = 0; a < attacks.Count; a++)
            {
                cancel.ThrowIfCancellationRequested();
                var clock = Stopwatch.StartNew();
                MinimizationResult found = attacks[a].Minimize(model, images, criterion, cancel);
                double seconds = clock.Elapsed.TotalSeconds;
                double[] distances = new double[n];
                ReadOnlySpan<float> candidates = found.Adversarials.Span;
                for (int i = 0; i < n; i++)
                {
                    distances[i] = found.Success[i] ? found.Distances[i] : double.PositiveInfinity;
                    if (distances[i] < smallest[i])
                    {
                        smallest[i] = distances[i];
                        best[i] = a;
                        candidates.Slice(i * size, size).CopyTo(adversarials.AsSpan(i * size, size));
                    }
                }

                findings.Add(new AttackDistances(normPlan.Attacks[a], attacks[a].Describe(), distances, seconds));
                progress?.Report(new RobustnessProgress(normPlan.Norm, normPlan.Attacks[a], ++done, total, seconds, RobustnessStatistics.Median(distances)));
            }

            norms.Add(new NormRobustness(normPlan.Norm, findings, smallest, best, adversarials));
        }

        return new RobustnessResult([.. labels], cleanCorrect, size, norms);
    }
}
