using FoolingCluster.Attacks.Criteria;
using FoolingCluster.Attacks.Distances;
using FoolingCluster.Tensors;

namespace FoolingCluster.Attacks.Minimization;

/// <summary>
/// An attack that looks for the smallest perturbation that makes each input adversarial
/// (Foolbox's <c>MinimizationAttack</c>): <c>attack.Run(model, inputs, criterion) → adversarials,
/// success, distances</c>, with no ε to give.
/// </summary>
/// <remarks>
/// <see cref="Run(IAttackModel, Tensor, Criterion, CancellationToken)"/> is the template every minimisation attack
/// shares: it checks the inputs, runs <see cref="RunAttack"/> once, clamps its output to [0,1],
/// asks the criterion again of what it returns, and puts the input back where the attack did not
/// succeed, so a failure never passes for an adversarial.
/// </remarks>
public abstract class MinimizationAttack : IMinimizingAttack
{
    /// <summary>The norm whose distance the attack minimises.</summary>
    public abstract Distance Distance { get; }

    /// <summary>A name for reports, e.g. "DeepFool".</summary>
    public abstract string Name { get; }

    /// <summary>A short description with the settings that matter, for reports.</summary>
    public abstract string Describe();

    /// <summary>Untargeted attack on inputs with their true labels: shorthand for a <see cref="Misclassification"/> criterion.</summary>
    public MinimizationResult Run(IAttackModel model, Tensor inputs, ReadOnlySpan<int> labels) =>
        Run(model, inputs, new Misclassification(labels));

    /// <summary>Attacks every input once.</summary>
    /// <param name="model">The classifier under attack.</param>
    /// <param name="inputs"><c>[N,C,H,W]</c>, every value in [0,1]; not changed.</param>
    /// <param name="criterion">What counts as adversarial; judges N samples.</param>
    /// <param name="cancel">Checked before every call the attack makes to the model, so a stop comes at its next step.</param>
    /// <exception cref="InvalidInputException">An input value lies outside [0,1] or is NaN.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancel"/> was cancelled; nothing is returned.</exception>
    public MinimizationResult Run(IAttackModel model, Tensor inputs, Criterion criterion, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(criterion);
        int n = AttackImages.CheckBounded(inputs, "attack inputs");
        if (criterion.Count != n)
        {
            throw new ShapeMismatchException($"the criterion judges {criterion.Count} samples but {n} inputs were given");
        }

        using TensorScope scope = TensorScope.Begin();
        Tensor xp = RunAttack(StoppableModel.Wrap(model, cancel), inputs, criterion);
        if (!Tensor.SameShape(xp.Shape, inputs.Shape))
        {
            throw new InvalidOperationException($"{GetType().Name} returned {Tensor.ShapeString(xp.Shape)} for inputs {Tensor.ShapeString(inputs.Shape)}");
        }

        Tensor adversarials = xp.Detach();
        Span<float> x = adversarials.Span;
        System.Numerics.Tensors.TensorPrimitives.Clamp(x, 0f, 1f, x);
        bool[] success = criterion.IsAdversarial(model.Logits(adversarials));
        int size = inputs.Size / n;
        for (int i = 0; i < n; i++)
        {
            if (!success[i])
            {
                Rows.Of(inputs.Span, i, size).CopyTo(Rows.Of(x, i, size));
            }
        }

        double[] distances = Distance.Measure(inputs, adversarials);
        for (int i = 0; i < n; i++)
        {
            if (!success[i])
            {
                distances[i] = double.PositiveInfinity;
            }
        }

        return new MinimizationResult(adversarials, success, distances, Distance);
    }

    /// <inheritdoc/>
    public MinimizationResult Minimize(IAttackModel model, Tensor inputs, Criterion criterion, CancellationToken cancel = default) => Run(model, inputs, criterion, cancel);

    /// <summary>The attack proper.</summary>
    /// <param name="model">The classifier under attack.</param>
    /// <param name="inputs"><c>[N,C,H,W]</c> in [0,1]; must not be changed.</param>
    /// <param name="criterion">What counts as adversarial.</param>
    /// <returns>The closest adversarial found for each input (anything where none was), same shape, in the current scope or none.</returns>
    protected abstract Tensor RunAttack(IAttackModel model, Tensor inputs, Criterion criterion);

    /// <summary>The model as one whose logits can be differentiated.</summary>
    /// <exception cref="ArgumentException">It cannot.</exception>
    protected ILogitGradientModel RequireLogitGradients(IAttackModel model) =>
        model as ILogitGradientModel
        ?? throw new ArgumentException($"{Name} differentiates the logits themselves: give it an {nameof(ILogitGradientModel)} such as {nameof(ModuleLogitGradientModel)}, not {model.GetType().Name}", nameof(model));
}
