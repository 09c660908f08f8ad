using FoolingCluster.Attacks.Criteria;
using FoolingCluster.Attacks.Distances;
using FoolingCluster.Attacks.Minimization;
using FoolingCluster.Tensors;

namespace FoolingCluster.Attacks;

/// <summary>
/// Any attack that reports, per input, the closest adversarial it found and its distance:
/// the gradient minimisation attacks, the decision-based attacks, and fixed-ε attacks searched
/// over a grid of radii. What a robustness evaluation needs to take the smallest over attacks.
/// </summary>
public interface IMinimizingAttack
{
    /// <summary>A name for reports, e.g. "DeepFool".</summary>
    string Name { get; }

    /// <summary>The norm the reported distances are measured in.</summary>
    Distance Distance { get; }

    /// <summary>A short description with the settings that matter, for reports.</summary>
    string Describe();

    /// <summary>Looks for the closest adversarial of every input.</summary>
    /// <param name="model">The classifier under attack.</param>
    /// <param name="inputs"><c>[N,C,H,W]</c>, every value in [0,1]; not changed.</param>
    /// <param name="criterion">What counts as adversarial; judges N samples.</param>
    /// <param name="cancel">Checked at every step of the attack; a stop throws and returns nothing.</param>
    /// <returns>
    /// Adversarials in [0,1] (the input itself where none was found), success flags judged again on
    /// them, and distances (+∞ where none was found; 0 for inputs adversarial already).
    /// </returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancel"/> was cancelled.</exception>
    MinimizationResult Minimize(IAttackModel model, Tensor inputs, Criterion criterion, CancellationToken cancel = default);
}
