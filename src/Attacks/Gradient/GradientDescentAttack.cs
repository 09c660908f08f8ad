using System.Globalization;
using FoolingCluster.Attacks.Criteria;
using FoolingCluster.Attacks.Distances;
using FoolingCluster.Tensors;

namespace FoolingCluster.Attacks.Gradient;

/// <summary>
/// Projected gradient descent on the cross-entropy within an ε-ball (Madry et al., ICLR 2018),
/// the one base of FGSM, FGM, BIM and PGD (Foolbox's <c>BaseGradientDescent</c>):
/// <code>
/// x ← random point of the ball around x₀ (or x₀)
/// repeat steps times:
///     x ← clip₀₁(project(x + s · α · normalise(∇ₓ CE(f(x), y))))
/// </code>
/// with s = +1 for an untargeted attack (ascend the loss of the true label y) and s = −1 for a
/// targeted one (descend the loss of the target y), and step α = absolute step or relative
/// step · ε. What depends on the norm is confined to <see cref="NormGeometry"/>.
/// </summary>
/// <remarks>
/// One gradient call per step covers the whole batch. The working point lives in one buffer
/// and each step's intermediates are freed by a <see cref="TensorScope"/>, so memory stays flat
/// however many steps run.
/// </remarks>
public class GradientDescentAttack : FixedEpsilonAttack
{
    /// <param name="geometry">The norm: <see cref="NormGeometry.Linf"/> or <see cref="NormGeometry.L2"/>.</param>
    /// <param name="steps">Gradient steps, at least 1.</param>
    /// <param name="relativeStepSize">Step as a fraction of ε; used when <paramref name="absoluteStepSize"/> is null.</param>
    /// <param name="absoluteStepSize">Step in input units, whatever ε is; null to use the relative step.</param>
    /// <param name="randomStart">Start from a uniform random point of the ball instead of the input.</param>
    /// <param name="seed">Seed of the random start; each ε starts from the same draw.</param>
    public GradientDescentAttack(NormGeometry geometry, int steps, float relativeStepSize, float? absoluteStepSize, bool randomStart, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        if (!(relativeStepSize > 0 && float.IsFinite(relativeStepSize)))
        {
            throw new ArgumentOutOfRangeException(nameof(relativeStepSize), relativeStepSize, "the relative step must be a finite number > 0");
        }

        if (absoluteStepSize is float a && !(a > 0 && float.IsFinite(a)))
        {
            throw new ArgumentOutOfRangeException(nameof(absoluteStepSize), absoluteStepSize, "the absolute step must be a finite number > 0");
        }

        Geometry = geometry;
        Steps = steps;
        RelativeStepSize = relativeStepSize;
        AbsoluteStepSize = absoluteStepSize;
        RandomStart = randomStart;
        Seed = seed;
    }

    /// <summary>The norm's random start, normalisation and projection.</summary>
    public NormGeometry Geometry { get; }

    /// <inheritdoc/>
    public override Distance Distance => Geometry.Distance;

    /// <summary>Gradient steps.</summary>
    public int Steps { get; }

    /// <summary>Step as a fraction of ε (when <see cref="AbsoluteStepSize"/> is null).</summary>
    public float RelativeStepSize { get; }

    /// <summary>Step in input units, or null for <see cref="RelativeStepSize"/> · ε.</summary>
    public float? AbsoluteStepSize { get; }

    /// <summary>Whether the descent starts from a random point of the ball.</summary>
    public bool RandomStart { get; }

    /// <summary>Seed of the random start.</summary>
    public int Seed { get; }

    /// <summary>A name for reports, e.g. "PGD".</summary>
    public override string Name => "gradient descent";

    /// <summary>The step taken at radius <paramref name="epsilon"/>.</summary>
    public float StepSize(float epsilon) => AbsoluteStepSize ?? (RelativeStepSize * epsilon);

    /// <inheritdoc/>
    public override string Describe()
    {
        string step = AbsoluteStepSize is float a
            ? string.Create(CultureInfo.InvariantCulture, $"step {a:G4}")
            : string.Create(CultureInfo.InvariantCulture, $"step {RelativeStepSize:G4}·ε");
        string start = RandomStart ? string.Create(CultureInfo.InvariantCulture, $"random start (seed {Seed})") : "no random start";
        return string.Create(CultureInfo.InvariantCulture, $"{Name} {Distance.Name}, {Steps} step{(Steps == 1 ? "" : "s")}, {step}, {start}");
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The criterion is neither <see cref="Misclassification"/> nor <see cref="TargetedMisclassification"/>.</exception>
    protected sealed override Tensor RunAttack(IAttackModel model, Tensor inputs, Criterion criterion, float epsilon)
    {
        (int[] classes, float direction) = criterion switch
        {
            Misclassification m => (m.Labels.ToArray(), 1f),
            TargetedMisclassification t => (t.Targets.ToArray(), -1f),
            _ => throw new ArgumentException($"{Name} needs the labels to ascend or the targets to descend: use {nameof(Misclassification)} or {nameof(TargetedMisclassification)}, not {criterion.GetType().Name}", nameof(criterion)),
        };
        float step = direction * StepSize(epsilon);

        // Detached: the working point belongs to no scope and is overwritten in place each step.
        Tensor x = inputs.Detach();
        if (RandomStart)
        {
            Geometry.RandomStart(inputs, x, epsilon, new Random(Seed));
            ClampToBounds(x.Span);
        }

        for (int s = 0; s < Steps; s++)
        {
            using TensorScope scope = TensorScope.Begin();
            Tensor gradient = model.LossGradient(x, classes);
            Geometry.Normalize(gradient);
            System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(gradient.Span, step, x.Span, x.Span);
            Geometry.Project(x, inputs, epsilon);
            ClampToBounds(x.Span);
        }

        return x;
    }
}
