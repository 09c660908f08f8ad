namespace FoolingCluster.Attacks.Gradient;

/// <summary>
/// Fast gradient method, the L2 twin of FGSM: one step of length ε along the unit-L2
/// gradient, <c>x₀ + ε · ∇ₓ loss / ‖∇ₓ loss‖₂</c>.
/// </summary>
public sealed class Fgm() : GradientDescentAttack(NormGeometry.L2, steps: 1, relativeStepSize: 1f, absoluteStepSize: null, randomStart: false)
{
    /// <inheritdoc/>
    public override string Name => "FGM";
}
