using System.Globalization;
using FoolingCluster.Attacks.Criteria;
using FoolingCluster.Tensors;

namespace FoolingCluster.Attacks.Minimization;

/// <summary>
/// DeepFool (Moosavi-Dezfooli, Fawzi &amp; Frossard, CVPR 2016): linearise the classifier around the
/// current point and step to the nearest linearised decision boundary, until the class changes.
/// <code>
/// p ← 0;  x ← x₀
/// repeat until adversarial or steps run out:
///     for each candidate class k:  lₖ = z_k(x) − z_y(x),  wₖ = ∇ₓ lₖ,  dₖ = |lₖ| / ‖wₖ‖_*
///     k* = argminₖ dₖ;   p ← p + step(k*)   (length d_k* + 10⁻⁴ along wₖ*)
///     x ← clip₀₁(x₀ + (1 + overshoot) · p)
/// </code>
/// where y is the true label and ‖·‖_* is the dual of the attack's norm (L2 for L2, L1 for L∞).
/// Like Foolbox's, the candidates are the most likely classes of the clean input and the
/// overshoot multiplies the accumulated perturbation.
/// </summary>
/// <remarks>
/// <para>
/// DeepFool is untargeted by construction. Given a <see cref="TargetedMisclassification"/>, it
/// follows the same linearisation towards the target t: every candidate class k that still
/// scores at least as high as t is a constraint <c>z_k − z_t ≤ 0</c> to satisfy, and each step
/// crosses the farthest of those linearised boundaries (the binding one). The candidates are then
/// the classes most likely on the clean input other than t; if the class that beats t is not among
/// them, the sample is given up.
/// </para>
/// <para>
/// Each step is one forward pass and one backward pass per candidate, for the samples not yet
/// adversarial only (<see cref="ILogitGradientModel.Differentiate"/>). The model must be an
/// <see cref="ILogitGradientModel"/>.
/// </para>
/// </remarks>
public abstract class DeepFool : MinimizationAttack
{
    /// <summary>Added to each step's distance, as in the paper's and Foolbox's code, so steps land beyond the boundary, not on it.</summary>
    private const double Nudge = 1e-4;

    /// <param name="steps">Linearisation steps at most, at least 1.</param>
    /// <param name="candidates">Classes considered, the reference class included: the most likely ones on the clean input; at least 2.</param>
    /// <param name="overshoot">Fraction by which the accumulated perturbation is lengthened, at least 0.</param>
    protected DeepFool(int steps, int candidates, float overshoot)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(candidates, 2);
        if (!(overshoot >= 0 && float.IsFinite(overshoot)))
        {
            throw new ArgumentOutOfRangeException(nameof(overshoot), overshoot, "the overshoot must be a finite number ≥ 0");
        }

        Steps = steps;
        Candidates = candidates;
        Overshoot = overshoot;
    }

    /// <summary>Linearisation steps at most.</summary>
    public int Steps { get; }

    /// <summary>Classes considered, the label (or target) included.</summary>
    public int Candidates { get; }

    /// <summary>Fraction by which the accumulated perturbation is lengthened.</summary>
    public float Overshoot { get; }

    /// <inheritdoc/>
    public override string Name => "DeepFool";

    /// <inheritdoc/>
    public override string Describe() =>
        string.Create(CultureInfo.InvariantCulture, $"{Name} {Distance.Name}, {Steps} steps at most, {Candidates} candidate classes, overshoot {Overshoot:G4}");

    /// <summary>Distance from the current point to the linearised boundary <c>l + w·r = 0</c> in the attack's norm.</summary>
    /// <param name="loss">The logit difference l.</param>
    /// <param name="gradient">Its gradient w.</param>
    protected abstract double BoundaryDistance(double loss, ReadOnlySpan<float> gradient);

    /// <summary>Adds to <paramref name="perturbation"/> the shortest step, in the attack's norm, of length <paramref name="distance"/> that changes the linearised loss in the direction of <paramref name="sign"/>.</summary>
    protected abstract void AddStep(Span<float> perturbation, ReadOnlySpan<float> gradient, double distance, float sign);

    /// <inheritdoc/>
    protected sealed override Tensor RunAttack(IAttackModel model, Tensor inputs, Criterion criterion)
    {
        AttackGoal goal = AttackGoal.Of(criterion, Name);
        ILogitGradientModel differentiable = RequireLogitGradients(model);
        int n = inputs.Shape[0];
        int size = inputs.Size / n;
        int[] reference = goal.Classes;
        int[][] others = new int[n][];
        using (TensorScope.Begin())
        {
            Tensor clean = differentiable.Logits(inputs);
            int k = clean.Shape[1];
            for (int i = 0; i < n; i++)
            {
                if ((uint)reference[i] >= (uint)k)
                {
                    throw new ArgumentOutOfRangeException(nameof(criterion), reference[i], $"class {reference[i]} of sample {i} is outside [0, {k})");
                }

                others[i] = LogitMath.TopOthers(Rows.Of(clean.Span, i, k), reference[i], Candidates - 1);
            }
        }

        // Detached: the working point and the perturbation belong to no scope.
        Tensor x = inputs.Detach();
        float[] total = new float[inputs.Size];
        float sign = goal.Targeted ? -1f : 1f;
        int[] active = Enumerable.Range(0, n).ToArray();
        for (int step = 0; step < Steps && active.Length > 0; step++)
        {
            using TensorScope scope = TensorScope.Begin();
            int[] rows = active;
            Tensor batch = Rows.Gather(x.Span, rows, inputs.Shape);
            LogitGradients linear = differentiable.Differentiate(batch, (z, first) => Seeds(z, first, rows, others, reference));
            int classes = linear.Logits.Shape[1];
            var still = new List<int>(rows.Length);
            for (int j = 0; j < rows.Length; j++)
            {
                int i = rows[j];
                ReadOnlySpan<float> z = Rows.Of(linear.Logits.Span, j, classes);
                if (goal.IsMet(z, i))
                {
                    continue;
                }

                int chosen = -1;
                double chosenDistance = goal.Targeted ? double.NegativeInfinity : double.PositiveInfinity;
                for (int c = 0; c < others[i].Length; c++)
                {
                    double loss = (double)z[others[i][c]] - z[reference[i]];
                    double d = BoundaryDistance(loss, Rows.Of(linear.Gradients[c].Span, j, size));
                    bool better = goal.Targeted ? loss >= 0 && d > chosenDistance : d < chosenDistance;
                    if (better)
                    {
                        chosen = c;
                        chosenDistance = d;
                    }
                }

                if (chosen < 0)
                {
                    continue;
                }

                Span<float> p = Rows.Of(total.AsSpan(), i, size);
                AddStep(p, Rows.Of(linear.Gradients[chosen].Span, j, size), chosenDistance + Nudge, sign);
                Span<float> xi = Rows.Of(x.Span, i, size);
                System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(p, 1f + Overshoot, Rows.Of(inputs.Span, i, size), xi);
                System.Numerics.Tensors.TensorPrimitives.Clamp(xi, 0f, 1f, xi);
                still.Add(i);
            }

            active = [.. still];
        }

        return x;
    }

    /// <summary>One seed per candidate: row r has +1 at the candidate class and −1 at the reference class, so its gradient is that of z_k − z_y.</summary>
    private static Tensor[] Seeds(Tensor logits, int first, int[] rows, int[][] others, int[] reference)
    {
        int b = logits.Shape[0];
        int k = logits.Shape[1];
        int count = others[rows[first]].Length;
        var seeds = new Tensor[count];
        for (int c = 0; c < count; c++)
        {
            seeds[c] = Tensor.Zeros(b, k);
            Span<float> s = seeds[c].Span;
            for (int r = 0; r < b; r++)
            {
                int i = rows[first + r];
                s[(r * k) + others[i][c]] = 1f;
                s[(r * k) + reference[i]] = -1f;
            }
        }

        return seeds;
    }
}
