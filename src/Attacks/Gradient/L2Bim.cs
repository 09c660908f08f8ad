namespace FoolingCluster.Attacks.Gradient;

/// <summary>
/// Basic iterative method under L2: FGM repeated with a smaller step from the input itself,
/// projected back into the ε-ball after each step. Defaults as Foolbox's
/// <c>L2BasicIterativeAttack</c>: 10 steps of 0.2·ε.
/// </summary>
public sealed class L2Bim(int steps = 10, float relativeStepSize = 0.2f, float? absoluteStepSize = null)
    : GradientDescentAttack(NormGeometry.L2, steps, relativeStepSize, absoluteStepSize, randomStart: false)
{
    /// <inheritdoc/>
    public override string Name => "BIM";
}
