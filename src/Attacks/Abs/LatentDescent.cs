using System.Globalization;
using FoolingCluster.Attacks.Criteria;
using FoolingCluster.Attacks.Distances;
using FoolingCluster.Attacks.Minimization;
using FoolingCluster.Models.Abs;
using FoolingCluster.Tensors;

namespace FoolingCluster.Attacks.Abs;

/// <summary>
/// The Latent Descent attack of Schott et al. (2019), made for ABS: move the image a small step
/// towards the reconstruction ABS itself draws for the most likely wrong class, classify again,
/// and repeat until the class changes; then bisect between the original and that image for the
/// closest point on the segment that is still adversarial.
/// </summary>
/// <remarks>
/// Every step asks ABS for a full inference of the moved images (latent search and refinement
/// for all ten classes), so one image costs up to <see cref="Steps"/> + <see cref="BisectionSteps"/>
/// inferences. Images that are adversarial already count at distance 0.
/// </remarks>
public sealed class LatentDescent : IMinimizingAttack
{
    /// <param name="distance">The norm the distances are measured in.</param>
    /// <param name="steps">Steps towards the wrong class's reconstruction at most.</param>
    /// <param name="stepSize">Fraction of the remaining way to the reconstruction each step covers.</param>
    /// <param name="bisectionSteps">Halvings of the segment from the original to the first adversarial.</param>
    public LatentDescent(Distance distance, int steps = 50, float stepSize = 0.05f, int bisectionSteps = 10)
    {
        ArgumentNullException.ThrowIfNull(distance);
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(bisectionSteps);
        if (!(stepSize > 0 && stepSize <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(stepSize), stepSize, "the step is a fraction of the way, in (0, 1]");
        }

        Distance = distance;
        Steps = steps;
        StepSize = stepSize;
        BisectionSteps = bisectionSteps;
    }

    /// <inheritdoc/>
    public string Name => "Latent Descent";

    /// <inheritdoc/>
    public Distance Distance { get; }

    /// <summary>Steps towards the reconstruction at most.</summary>
    public int Steps { get; }

    /// <summary>Fraction of the way each step covers.</summary>
    public float StepSize { get; }

    /// <summary>Halvings of the final segment.</summary>
    public int BisectionSteps { get; }

    /// <inheritdoc/>
    public string Describe() =>
        string.Create(CultureInfo.InvariantCulture, $"Latent Descent {Distance.Name}, up to {Steps} steps of {StepSize:G3} of the way to the wrong class's reconstruction, {BisectionSteps} bisection steps");

    /// <inheritdoc/>
    /// <exception cref="InvalidInputException">The model is not ABS (an <see cref="AbsAttackModel"/>).</exception>
    public MinimizationResult Minimize(IAttackModel model, Tensor inputs, Criterion criterion, CancellationToken cancel = default)
    {
        var abs = model as AbsAttackModel
            ?? throw new InvalidInputException("latent-descent attacks ABS through its class reconstructions and works on ABS models only, and this model is not one; attack it with the gradient attacks, pointwise or boundary");
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(criterion);
        int[] labels = TrueClasses(criterion);
        int n = inputs.Shape[0];
        int size = inputs.Size / n;
        int classes = AbsModel.Classes;
        float[] x0 = inputs.ToArray();
        float[] x = [.. x0];
        bool[] done = Judge(abs, x, n, inputs.Shape, criterion);
        bool[] cleanError = [.. done];
        float[] last = [.. x0];
        for (int step = 0; step < Steps && done.Contains(false); step++)
        {
            cancel.ThrowIfCancellationRequested();
            int[] open = [.. Enumerable.Range(0, n).Where(i => !done[i])];
            Tensor batch = Gather(x, open, size, inputs.Shape);
            (float[] logits, float[] reconstructions) = abs.Reconstruct(batch);
            for (int j = 0; j < open.Length; j++)
            {
                int i = open[j];
                int wrong = MostLikelyOther(logits.AsSpan(j * classes, classes), labels[i]);
                ReadOnlySpan<float> target = reconstructions.AsSpan(((j * classes) + wrong) * size, size);
                Span<float> xi = x.AsSpan(i * size, size);
                xi.CopyTo(last.AsSpan(i * size, size));
                for (int p = 0; p < size; p++)
                {
                    xi[p] = Math.Clamp(xi[p] + (StepSize * (target[p] - xi[p])), 0f, 1f);
                }
            }

            bool[] now = Judge(abs, x, n, inputs.Shape, criterion);
            foreach (int i in open)
            {
                done[i] = now[i];
            }
        }

        cancel.ThrowIfCancellationRequested();
        Bisect(abs, x0, x, done, cleanError, n, size, inputs.Shape, criterion);
        bool[] success = Judge(abs, x, n, inputs.Shape, criterion);
        double[] distances = new double[n];
        float[] delta = new float[size];
        for (int i = 0; i < n; i++)
        {
            if (!success[i])
            {
                x0.AsSpan(i * size, size).CopyTo(x.AsSpan(i * size, size));
                distances[i] = double.PositiveInfinity;
                continue;
            }

            System.Numerics.Tensors.TensorPrimitives.Subtract(x.AsSpan(i * size, size), x0.AsSpan(i * size, size), delta);
            distances[i] = Distance.Norm(delta);
        }

        int[] shape = (int[])inputs.Shape.Clone();
        return new MinimizationResult(Tensor.Wrap(x, shape), success, distances, Distance);
    }

    /// <summary>For each image that turned adversarial, the closest adversarial point on the segment from the original.</summary>
    private void Bisect(AbsAttackModel abs, float[] x0, float[] x, bool[] done, bool[] cleanError, int n, int size, int[] shape, Criterion criterion)
    {
        int[] found = [.. Enumerable.Range(0, n).Where(i => done[i] && !cleanError[i])];
        if (found.Length == 0)
        {
            return;
        }

        double[] lo = new double[n];
        double[] hi = Enumerable.Repeat(1.0, n).ToArray();
        float[] adversarial = [.. x];
        for (int s = 0; s < BisectionSteps; s++)
        {
            float[] trial = [.. x];
            foreach (int i in found)
            {
                float t = (float)((lo[i] + hi[i]) / 2);
                for (int p = i * size; p < (i + 1) * size; p++)
                {
                    trial[p] = x0[p] + (t * (adversarial[p] - x0[p]));
                }
            }

            bool[] adversarialNow = Judge(abs, trial, n, shape, criterion);
            foreach (int i in found)
            {
                double mid = (lo[i] + hi[i]) / 2;
                if (adversarialNow[i])
                {
                    hi[i] = mid;
                    trial.AsSpan(i * size, size).CopyTo(x.AsSpan(i * size, size));
                }
                else
                {
                    lo[i] = mid;
                }
            }
        }
    }

    private static bool[] Judge(AbsAttackModel abs, float[] x, int n, int[] shape, Criterion criterion)
    {
        using TensorScope scope = TensorScope.Begin();
        int[] all = (int[])shape.Clone();
        all[0] = n;
        return criterion.IsAdversarial(abs.Logits(Tensor.Wrap(x, all)));
    }

    private static Tensor Gather(float[] x, int[] rows, int size, int[] shape)
    {
        int[] batchShape = (int[])shape.Clone();
        batchShape[0] = rows.Length;
        float[] batch = new float[rows.Length * size];
        for (int j = 0; j < rows.Length; j++)
        {
            x.AsSpan(rows[j] * size, size).CopyTo(batch.AsSpan(j * size, size));
        }

        return Tensor.Wrap(batch, batchShape);
    }

    private static int[] TrueClasses(Criterion criterion) => criterion switch
    {
        Misclassification m => m.Labels.ToArray(),
        _ => throw new ArgumentException($"Latent Descent moves images away from their true class: give it a {nameof(Misclassification)} criterion", nameof(criterion)),
    };

    private static int MostLikelyOther(ReadOnlySpan<float> logits, int label)
    {
        int best = label == 0 ? 1 : 0;
        for (int c = 0; c < logits.Length; c++)
        {
            if (c != label && logits[c] > logits[best])
            {
                best = c;
            }
        }

        return best;
    }
}
