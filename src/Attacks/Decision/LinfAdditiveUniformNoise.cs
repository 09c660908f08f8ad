using FoolingCluster.Attacks.Distances;

namespace FoolingCluster.Attacks.Decision;

/// <summary>
/// Noise drawn uniformly from the box [−ε, ε] (Foolbox's <c>LinfAdditiveUniformNoiseAttack</c>,
/// and with <c>repeats</c> above 1 its <c>LinfRepeatedAdditiveUniformNoiseAttack</c>).
/// </summary>
public sealed class LinfAdditiveUniformNoise(int repeats = 1, int seed = 0) : AdditiveNoiseAttack(repeats, seed)
{
    /// <inheritdoc/>
    public override Distance Distance => Distance.Linf;

    /// <inheritdoc/>
    public override string Name => "additive uniform noise";

    internal override void Draw(Span<float> noise, float epsilon, NoiseSource random) =>
        random.FillUniform(noise, -epsilon, epsilon);
}
