namespace FoolingCluster.Attacks.Gradient;

/// <summary>
/// Fast gradient sign method (Goodfellow, Shlens &amp; Szegedy, ICLR 2015):
/// <c>x₀ + ε · sign(∇ₓ loss)</c>, one L∞ step of size ε from the input.
/// </summary>
public sealed class Fgsm() : GradientDescentAttack(NormGeometry.Linf, steps: 1, relativeStepSize: 1f, absoluteStepSize: null, randomStart: false)
{
    /// <inheritdoc/>
    public override string Name => "FGSM";
}
