namespace FoolingCluster.Attacks.Gradient;

/// <summary>
/// Basic iterative method under L∞ (Kurakin, Goodfellow &amp; Bengio, 2017): FGSM repeated with
/// a smaller step from the input itself, projected back into the ε-box after each step.
/// Defaults as Foolbox's <c>LinfBasicIterativeAttack</c>: 10 steps of 0.2·ε.
/// </summary>
public sealed class LinfBim(int steps = 10, float relativeStepSize = 0.2f, float? absoluteStepSize = null)
    : GradientDescentAttack(NormGeometry.Linf, steps, relativeStepSize, absoluteStepSize, randomStart: false)
{
    /// <inheritdoc/>
    public override string Name => "BIM";
}
