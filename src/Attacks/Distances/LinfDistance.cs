using System.Numerics.Tensors;

namespace FoolingCluster.Attacks.Distances;

/// <summary>L∞: the largest absolute change of any one value; its ball is a box.</summary>
public sealed class LinfDistance : Distance
{
    internal LinfDistance()
    {
    }

    /// <inheritdoc/>
    public override string Name => "L∞";

    /// <inheritdoc/>
    public override double Largest(int values) => 1;

    /// <inheritdoc/>
    public override string WhyLargest(int values) => "pixels lie in [0,1], so none can change by more than 1";

    /// <inheritdoc/>
    public override double Norm(ReadOnlySpan<float> perturbation) =>
        perturbation.IsEmpty ? 0 : Math.Abs(TensorPrimitives.MaxMagnitude(perturbation));

    /// <summary>Clamps every value to [−ε, ε].</summary>
    public override void ClipSample(Span<float> perturbation, float epsilon) =>
        TensorPrimitives.Clamp(perturbation, -epsilon, epsilon, perturbation);
}
