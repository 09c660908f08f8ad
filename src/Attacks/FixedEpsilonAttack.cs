using FoolingCluster.Attacks.Criteria;
using FoolingCluster.Attacks.Distances;
using FoolingCluster.Tensors;

namespace FoolingCluster.Attacks;

/// <summary>
/// An attack that looks for adversarials within a ball of fixed radius ε around each input
/// (Foolbox's <c>FixedEpsilonAttack</c>): <c>attack.Run(model, inputs, criterion, epsilons)
/// → raw, clipped, success[K,N]</c>.
/// </summary>
/// <remarks>
/// <see cref="Run(IAttackModel, Tensor, Criterion, IReadOnlyList{float}, CancellationToken)"/> is the one template every
/// attack shares: it checks the inputs, runs <see cref="RunAttack"/> once per ε, projects the result
/// onto the ε-ball and [0,1], and asks the criterion again of what it returns, so an attack cannot
/// report a success that its clipped output does not have.
/// </remarks>
public abstract class FixedEpsilonAttack
{
    /// <summary>The norm whose ε-ball bounds the perturbation.</summary>
    public abstract Distance Distance { get; }

    /// <summary>A name for reports, e.g. "PGD".</summary>
    public abstract string Name { get; }

    /// <summary>A short description with the settings that matter, for reports.</summary>
    public abstract string Describe();

    /// <summary>Untargeted attack on inputs with their true labels: shorthand for a <see cref="Misclassification"/> criterion.</summary>
    public AttackResult Run(IAttackModel model, Tensor inputs, ReadOnlySpan<int> labels, IReadOnlyList<float> epsilons) =>
        Run(model, inputs, new Misclassification(labels), epsilons);

    /// <summary>Attacks every input at every ε.</summary>
    /// <param name="model">The classifier under attack.</param>
    /// <param name="inputs"><c>[N,C,H,W]</c>, every value in [0,1].</param>
    /// <param name="criterion">What counts as adversarial; judges N samples.</param>
    /// <param name="epsilons">K radii, each finite and ≥ 0.</param>
    /// <param name="cancel">Checked before every call the attack makes to the model, so a stop comes at its next step.</param>
    /// <exception cref="InvalidInputException">An input value lies outside [0,1] or is NaN.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancel"/> was cancelled; nothing is returned.</exception>
    public AttackResult Run(IAttackModel model, Tensor inputs, Criterion criterion, IReadOnlyList<float> epsilons, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(criterion);
        ArgumentNullException.ThrowIfNull(epsilons);
        int n = AttackImages.CheckBounded(inputs, "attack inputs");
        if (criterion.Count != n)
        {
            throw new ShapeMismatchException($"the criterion judges {criterion.Count} samples but {n} inputs were given");
        }

        if (epsilons.Count == 0)
        {
            throw new ArgumentException("at least one ε is needed", nameof(epsilons));
        }

        foreach (float epsilon in epsilons)
        {
            Distance.CheckEpsilon(epsilon);
        }

        int size = inputs.Size / n;
        var raw = new Tensor[epsilons.Count];
        var clipped = new Tensor[epsilons.Count];
        var success = new bool[epsilons.Count, n];
        IAttackModel attacked = StoppableModel.Wrap(model, cancel);
        for (int k = 0; k < epsilons.Count; k++)
        {
            using TensorScope scope = TensorScope.Begin();
            Tensor xp = RunAttack(attacked, inputs, criterion, epsilons[k]);
            if (!Tensor.SameShape(xp.Shape, inputs.Shape))
            {
                throw new InvalidOperationException($"{GetType().Name} returned {Tensor.ShapeString(xp.Shape)} for inputs {Tensor.ShapeString(inputs.Shape)}");
            }

            raw[k] = xp.Detach();
            clipped[k] = ClipToBall(inputs, xp, epsilons[k], size);
            bool[] adversarial = criterion.IsAdversarial(model.Logits(clipped[k]));
            for (int i = 0; i < n; i++)
            {
                success[k, i] = adversarial[i];
            }
        }

        return new AttackResult([.. epsilons], raw, clipped, success);
    }

    /// <summary>The attack proper, for one ε.</summary>
    /// <param name="model">The classifier under attack.</param>
    /// <param name="inputs"><c>[N,C,H,W]</c> in [0,1]; must not be changed.</param>
    /// <param name="criterion">What counts as adversarial.</param>
    /// <param name="epsilon">The radius.</param>
    /// <returns>Perturbed inputs of the same shape, in the current scope or none.</returns>
    protected abstract Tensor RunAttack(IAttackModel model, Tensor inputs, Criterion criterion, float epsilon);

    /// <summary>Clamps every value to [0,1] in place: the model's bounds.</summary>
    protected static void ClampToBounds(Span<float> values) =>
        System.Numerics.Tensors.TensorPrimitives.Clamp(values, 0f, 1f, values);

    private Tensor ClipToBall(Tensor inputs, Tensor perturbed, float epsilon, int size)
    {
        Tensor clipped = perturbed.Detach();
        Span<float> x = clipped.Span;
        ReadOnlySpan<float> x0 = inputs.Span;
        System.Numerics.Tensors.TensorPrimitives.Subtract(x, x0, x);
        for (int start = 0; start < x.Length; start += size)
        {
            Distance.ClipSample(x.Slice(start, size), epsilon);
        }

        System.Numerics.Tensors.TensorPrimitives.Add(x, x0, x);
        ClampToBounds(x);
        return clipped;
    }
}
