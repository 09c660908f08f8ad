using FoolingCluster.Attacks.Distances;

namespace FoolingCluster.Attacks.Decision;

/// <summary>
/// Gaussian noise scaled to L2 norm ε (Foolbox's <c>L2AdditiveGaussianNoiseAttack</c>, and with
/// <c>repeats</c> above 1 its <c>L2RepeatedAdditiveGaussianNoiseAttack</c>).
/// </summary>
public sealed class L2AdditiveGaussianNoise(int repeats = 1, int seed = 0) : AdditiveNoiseAttack(repeats, seed)
{
    /// <inheritdoc/>
    public override Distance Distance => Distance.L2;

    /// <inheritdoc/>
    public override string Name => "additive Gaussian noise";

    internal override void Draw(Span<float> noise, float epsilon, NoiseSource random)
    {
        random.FillGaussian(noise);
        double norm = Distance.Norm(noise);
        float scale = norm > 0 ? (float)(epsilon / norm) : 0f;
        System.Numerics.Tensors.TensorPrimitives.Multiply(noise, scale, noise);
    }
}
