namespace FoolingCluster.Attacks.Gradient;

/// <summary>
/// Projected gradient descent under L∞ (Madry, Makelov, Schmidt, Tsipras &amp; Vladu, ICLR 2018):
/// BIM from a uniform random point of the ε-box. Defaults as Foolbox's <c>LinfPGD</c>:
/// 40 steps of ε·0.01/0.3, which is Madry's MNIST setting of step 0.01 at ε = 0.3.
/// </summary>
public sealed class LinfPgd(int steps = 40, float relativeStepSize = 0.01f / 0.3f, float? absoluteStepSize = null, bool randomStart = true, int seed = 0)
    : GradientDescentAttack(NormGeometry.Linf, steps, relativeStepSize, absoluteStepSize, randomStart, seed)
{
    /// <inheritdoc/>
    public override string Name => "PGD";
}
