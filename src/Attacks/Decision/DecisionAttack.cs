using FoolingCluster.Attacks.Criteria;
using FoolingCluster.Attacks.Minimization;
using FoolingCluster.Attacks.Distances;
using FoolingCluster.Tensors;

namespace FoolingCluster.Attacks.Decision;

/// <summary>
/// A minimisation attack that sees only the model's decisions (Foolbox's decision-based
/// attacks): it looks for the adversarial closest to each input in its <see cref="Distance"/>,
/// asking nothing of the model but whether candidates meet the criterion.
/// <c>attack.Run(model, inputs, criterion) → adversarials, success[N], distances[N]</c>.
/// </summary>
/// <remarks>
/// <see cref="Run(IAttackModel, Tensor, Criterion, Tensor?, CancellationToken)"/> is the template every such attack
/// shares: it checks inputs and starting points, runs <see cref="RunAttack"/> once through a
/// <see cref="DecisionOracle"/>, clamps the result to [0,1], and asks the criterion again of what
/// it returns. Attacks that refine an adversarial (Boundary, Pointwise) take another attack to
/// find their starting points, or the starting points themselves.
/// </remarks>
public abstract class DecisionAttack : IMinimizingAttack
{
    /// <summary>The norm whose distance the attack minimises.</summary>
    public abstract Distance Distance { get; }

    /// <summary>A name for reports, e.g. "Boundary".</summary>
    public abstract string Name { get; }

    /// <summary>A short description with the settings that matter, for reports.</summary>
    public abstract string Describe();

    /// <summary>Untargeted attack on inputs with their true labels: shorthand for a <see cref="Misclassification"/> criterion.</summary>
    public DecisionResult Run(IAttackModel model, Tensor inputs, ReadOnlySpan<int> labels, Tensor? startingPoints = null) =>
        Run(model, inputs, new Misclassification(labels), startingPoints);

    /// <summary>Looks for the closest adversarial of every input.</summary>
    /// <param name="model">The classifier under attack; only its logits are used.</param>
    /// <param name="inputs"><c>[N,C,H,W]</c>, every value in [0,1]; not changed.</param>
    /// <param name="criterion">What counts as adversarial; judges N samples.</param>
    /// <param name="startingPoints">
    /// <c>[N,C,H,W]</c> in [0,1]: adversarials to start from, for attacks that refine one; null to
    /// let the attack find its own. Attacks that start from the inputs ignore it.
    /// </param>
    /// <param name="cancel">Checked before every query, so a stop comes at the attack's next step.</param>
    /// <exception cref="InvalidInputException">A value of the inputs or starting points lies outside [0,1] or is NaN.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancel"/> was cancelled; nothing is returned.</exception>
    public DecisionResult Run(IAttackModel model, Tensor inputs, Criterion criterion, Tensor? startingPoints = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(criterion);
        int n = AttackImages.CheckBounded(inputs, "attack inputs");
        if (criterion.Count != n)
        {
            throw new ShapeMismatchException($"the criterion judges {criterion.Count} samples but {n} inputs were given");
        }

        if (startingPoints is not null)
        {
            AttackImages.CheckBounded(startingPoints, "starting points");
            if (!Tensor.SameShape(startingPoints.Shape, inputs.Shape))
            {
                throw new ShapeMismatchException($"starting points {Tensor.ShapeString(startingPoints.Shape)} for inputs {Tensor.ShapeString(inputs.Shape)}");
            }
        }

        var oracle = new DecisionOracle(StoppableModel.Wrap(model, cancel), criterion);
        Tensor adversarials;
        using (TensorScope scope = TensorScope.Begin())
        {
            Tensor xp = Attack(oracle, inputs, startingPoints);
            if (!Tensor.SameShape(xp.Shape, inputs.Shape))
            {
                throw new InvalidOperationException($"{GetType().Name} returned {Tensor.ShapeString(xp.Shape)} for inputs {Tensor.ShapeString(inputs.Shape)}");
            }

            adversarials = xp.Detach();
        }

        System.Numerics.Tensors.TensorPrimitives.Clamp(adversarials.Span, 0f, 1f, adversarials.Span);
        bool[] success = oracle.IsAdversarial(adversarials);
        double[] distances = Distance.Measure(inputs, adversarials);
        return new DecisionResult(adversarials, success, distances, Distance.Name, oracle.Queries);
    }

    /// <summary>
    /// The attack with its own starting points, reported as a minimisation result: where it failed,
    /// the input itself and +∞, as the gradient minimisation attacks report a failure.
    /// </summary>
    public MinimizationResult Minimize(IAttackModel model, Tensor inputs, Criterion criterion, CancellationToken cancel = default)
    {
        DecisionResult found = Run(model, inputs, criterion, cancel: cancel);
        int size = inputs.Size / found.Count;
        Span<float> adversarials = found.Adversarials.Span;
        for (int i = 0; i < found.Count; i++)
        {
            if (!found.Success[i])
            {
                inputs.Span.Slice(i * size, size).CopyTo(adversarials.Slice(i * size, size));
            }
        }

        return new MinimizationResult(found.Adversarials, found.Success, found.PerturbationSizes(), Distance);
    }

    /// <summary>The attack proper.</summary>
    /// <param name="oracle">The only way to the model.</param>
    /// <param name="inputs"><c>[N,C,H,W]</c> in [0,1]; must not be changed.</param>
    /// <param name="startingPoints">Checked starting points of the same shape, or null.</param>
    /// <returns>Adversarials of the same shape (values outside [0,1] are clamped), in the current scope or none.</returns>
    protected abstract Tensor RunAttack(DecisionOracle oracle, Tensor inputs, Tensor? startingPoints);

    /// <summary>Runs the attack for another attack of this library that starts from its result.</summary>
    internal Tensor Attack(DecisionOracle oracle, Tensor inputs, Tensor? startingPoints) => RunAttack(oracle, inputs, startingPoints);
}
