using System.Numerics.Tensors;

namespace FoolingCluster.Attacks.Distances;

/// <summary>L2: the Euclidean length of the perturbation, accumulated in double.</summary>
public sealed class L2Distance : Distance
{
    internal L2Distance()
    {
    }

    /// <inheritdoc/>
    public override string Name => "L2";

    /// <inheritdoc/>
    public override double Largest(int values) => Math.Sqrt(values);

    /// <inheritdoc/>
    public override string WhyLargest(int values) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"two images of {values} pixels in [0,1] are at most √{values} = {Math.Sqrt(values):0.###} apart");

    /// <inheritdoc/>
    public override double Norm(ReadOnlySpan<float> perturbation)
    {
        double sum = 0;
        foreach (float v in perturbation)
        {
            sum += (double)v * v;
        }

        return Math.Sqrt(sum);
    }

    /// <summary>Scales the perturbation by <c>min(1, ε/‖δ‖₂)</c>, keeping its direction.</summary>
    public override void ClipSample(Span<float> perturbation, float epsilon)
    {
        double norm = Norm(perturbation);
        if (norm > epsilon)
        {
            TensorPrimitives.Multiply(perturbation, (float)(epsilon / norm), perturbation);
        }
    }
}
