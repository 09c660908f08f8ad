namespace FoolingCluster.Attacks.Gradient;

/// <summary>
/// Projected gradient descent under L2 (Madry et al., ICLR 2018): L2 BIM from a uniform random
/// point of the ε-ball. Defaults as Foolbox's <c>L2PGD</c>: 50 steps of 0.025·ε.
/// </summary>
public sealed class L2Pgd(int steps = 50, float relativeStepSize = 0.025f, float? absoluteStepSize = null, bool randomStart = true, int seed = 0)
    : GradientDescentAttack(NormGeometry.L2, steps, relativeStepSize, absoluteStepSize, randomStart, seed)
{
    /// <inheritdoc/>
    public override string Name => "PGD";
}
