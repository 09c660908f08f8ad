using System.Globalization;
using FoolingCluster.Attacks.Criteria;
using FoolingCluster.Attacks.Distances;
using FoolingCluster.Tensors;

namespace FoolingCluster.Attacks.Minimization;

/// <summary>
/// Box-constrained L-BFGS (Szegedy et al., "Intriguing properties of neural networks", ICLR 2014):
/// for each input x₀ and target class t,
/// <code>
/// minimise  c·‖x − x₀‖₂² + CE(f(x), t)   subject to x ∈ [0,1]ⁿ
/// </code>
/// by projected L-BFGS, with a search over c for the largest c, and so the smallest distortion,
/// whose minimiser is still classified as t. The closest adversarial met at any evaluated point
/// of any c is kept.
/// </summary>
/// <remarks>
/// <para>
/// Szegedy et al. weight the distortion by c and ask for the c at which the minimiser just
/// succeeds; a larger c shrinks the perturbation, so the wanted c is the largest that still works.
/// Per sample, c starts at <see cref="InitialConst"/>, is multiplied by 10 while the attack
/// succeeds and divided by 10 while it fails, and once both a working and a failing c are known
/// the interval between them is bisected geometrically.
/// </para>
/// <para>
/// The method is targeted by definition. Untargeted (a <see cref="Misclassification"/> criterion),
/// the target is the class the model ranks second on the clean input, the nearest in logit
/// terms; success is still judged by the criterion, so landing in a third class counts.
/// </para>
/// <para>The model must be an <see cref="ILogitGradientModel"/>; each objective evaluation is one forward and one backward pass.</para>
/// </remarks>
public sealed class BoxLbfgs : MinimizationAttack
{
    /// <param name="searchSteps">Values of c tried per sample, at least 1.</param>
    /// <param name="maxIterations">L-BFGS iterations per value of c at most, at least 1.</param>
    /// <param name="initialConst">The first c, greater than 0.</param>
    /// <param name="memory">Pairs remembered by L-BFGS, at least 1.</param>
    public BoxLbfgs(int searchSteps = 10, int maxIterations = 100, float initialConst = 1f, int memory = 10)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(searchSteps, 1);
        if (!(initialConst > 0 && float.IsFinite(initialConst)))
        {
            throw new ArgumentOutOfRangeException(nameof(initialConst), initialConst, "the initial c must be a finite number > 0");
        }

        SearchSteps = searchSteps;
        InitialConst = initialConst;
        Optimizer = new ProjectedLbfgs(memory, maxIterations);
    }

    /// <summary>Values of c tried per sample.</summary>
    public int SearchSteps { get; }

    /// <summary>L-BFGS iterations per value of c at most.</summary>
    public int MaxIterations => Optimizer.MaxIterations;

    /// <summary>The first c.</summary>
    public float InitialConst { get; }

    /// <summary>Pairs remembered by L-BFGS.</summary>
    public int Memory => Optimizer.Memory;

    /// <inheritdoc/>
    public override Distance Distance => Distances.Distance.L2;

    /// <inheritdoc/>
    public override string Name => "L-BFGS";

    private ProjectedLbfgs Optimizer { get; }

    /// <inheritdoc/>
    public override string Describe() =>
        string.Create(CultureInfo.InvariantCulture, $"{Name} box-constrained, {SearchSteps} values of c from {InitialConst:G3}, {MaxIterations} iterations each, memory {Memory}");

    /// <inheritdoc/>
    protected override Tensor RunAttack(IAttackModel model, Tensor inputs, Criterion criterion)
    {
        AttackGoal goal = AttackGoal.Of(criterion, Name);
        ILogitGradientModel differentiable = RequireLogitGradients(model);
        int n = inputs.Shape[0];
        int[] targets = Targets(differentiable, inputs, goal);
        Tensor best = inputs.Detach();
        double[] bestNorm = Enumerable.Repeat(double.PositiveInfinity, n).ToArray();
        double[] consts = Enumerable.Repeat((double)InitialConst, n).ToArray();
        double[] working = new double[n];
        double[] failing = Enumerable.Repeat(double.PositiveInfinity, n).ToArray();
        for (int step = 0; step < SearchSteps; step++)
        {
            float[] x = inputs.ToArray();
            Optimizer.Minimize(x, inputs.Shape, (samples, points, values, gradients) =>
                Objective(differentiable, inputs, goal, targets, consts, samples, points, values, gradients, best, bestNorm));
            bool[] success;
            using (TensorScope.Begin())
            {
                Tensor logits = differentiable.Logits(Tensor.Wrap(x, inputs.Shape));
                int k = logits.Shape[1];
                success = Enumerable.Range(0, n).Select(i => goal.IsMet(Rows.Of(logits.Span, i, k), i)).ToArray();
            }

            for (int i = 0; i < n; i++)
            {
                if (success[i])
                {
                    working[i] = consts[i];
                }
                else
                {
                    failing[i] = consts[i];
                }

                consts[i] = double.IsPositiveInfinity(failing[i]) ? consts[i] * 10
                    : working[i] == 0 ? consts[i] / 10
                    : Math.Sqrt(working[i] * failing[i]);
            }
        }

        return best;
    }

    /// <summary>The targets: the criterion's, or the runner-up class on the clean input.</summary>
    private static int[] Targets(ILogitGradientModel model, Tensor inputs, AttackGoal goal)
    {
        using TensorScope scope = TensorScope.Begin();
        Tensor logits = model.Logits(inputs);
        int k = logits.Shape[1];
        int n = inputs.Shape[0];
        int[] targets = new int[n];
        for (int i = 0; i < n; i++)
        {
            if ((uint)goal.Classes[i] >= (uint)k)
            {
                throw new ArgumentOutOfRangeException(nameof(goal), goal.Classes[i], $"class {goal.Classes[i]} of sample {i} is outside [0, {k})");
            }

            targets[i] = goal.Targeted ? goal.Classes[i] : LogitMath.BestOther(Rows.Of(logits.Span, i, k), goal.Classes[i]);
        }

        return targets;
    }

    /// <summary>
    /// <c>c·‖x − x₀‖² + CE(f(x), t)</c> and its gradient for the given samples; every evaluated point
    /// that meets the goal closer than the best so far becomes the best.
    /// </summary>
    private static void Objective(ILogitGradientModel model, Tensor inputs, AttackGoal goal, int[] targets, double[] consts, int[] samples, Tensor points, double[] values, Span<float> gradients, Tensor best, double[] bestNorm)
    {
        int size = points.Size / samples.Length;
        LogitGradients ce = model.Differentiate(points, (z, first) =>
            [ModuleAttackModel.CrossEntropyGradient(z, samples[first..(first + z.Shape[0])].Select(i => targets[i]).ToArray())]);
        int k = ce.Logits.Shape[1];
        ReadOnlySpan<float> g = ce.Gradients[0].Span;
        for (int j = 0; j < samples.Length; j++)
        {
            int i = samples[j];
            ReadOnlySpan<float> x = Rows.Of(points.Span, j, size);
            ReadOnlySpan<float> x0 = Rows.Of(inputs.Span, i, size);
            Span<float> gj = gradients.Slice(j * size, size);
            double squared = 0;
            for (int v = 0; v < size; v++)
            {
                double d = (double)x[v] - x0[v];
                squared += d * d;
                gj[v] = (float)(g[(j * size) + v] + (2 * consts[i] * d));
            }

            ReadOnlySpan<float> z = Rows.Of(ce.Logits.Span, j, k);
            values[j] = (consts[i] * squared) + LogitMath.CrossEntropy(z, targets[i]);
            double norm = Math.Sqrt(squared);
            if (norm < bestNorm[i] && goal.IsMet(z, i))
            {
                bestNorm[i] = norm;
                x.CopyTo(Rows.Of(best.Span, i, size));
            }
        }
    }
}
