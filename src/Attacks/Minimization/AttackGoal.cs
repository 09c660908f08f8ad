using FoolingCluster.Attacks.Criteria;

namespace FoolingCluster.Attacks.Minimization;

/// <summary>
/// The classes an attack steers by, read from its criterion: the true labels to move away from, or
/// the targets to move towards.
/// </summary>
/// <param name="Classes">N classes: labels when untargeted, targets when targeted.</param>
/// <param name="Targeted">Whether <paramref name="Classes"/> are targets.</param>
internal readonly record struct AttackGoal(int[] Classes, bool Targeted)
{
    /// <exception cref="ArgumentException">The criterion is neither <see cref="Misclassification"/> nor <see cref="TargetedMisclassification"/>.</exception>
    public static AttackGoal Of(Criterion criterion, string attack) => criterion switch
    {
        Misclassification m => new AttackGoal(m.Labels.ToArray(), Targeted: false),
        TargetedMisclassification t => new AttackGoal(t.Targets.ToArray(), Targeted: true),
        _ => throw new ArgumentException($"{attack} needs the labels to move away from or the targets to move towards: use {nameof(Misclassification)} or {nameof(TargetedMisclassification)}, not {criterion.GetType().Name}", nameof(criterion)),
    };

    /// <summary>Whether logits <paramref name="z"/> of sample <paramref name="i"/> meet the goal: top class not the label, or the target.</summary>
    public bool IsMet(ReadOnlySpan<float> z, int i)
    {
        int top = System.Numerics.Tensors.TensorPrimitives.IndexOfMax(z);
        return Targeted ? top == Classes[i] : top != Classes[i];
    }
}
