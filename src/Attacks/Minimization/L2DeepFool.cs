using FoolingCluster.Attacks.Distances;

namespace FoolingCluster.Attacks.Minimization;

/// <summary>
/// DeepFool under L2: each step moves along the gradient of the logit difference, by
/// <c>|l| / ‖w‖₂</c>. Defaults as Foolbox's <c>L2DeepFoolAttack</c>: 50 steps, 10 candidates, overshoot 0.02.
/// </summary>
public sealed class L2DeepFool(int steps = 50, int candidates = 10, float overshoot = 0.02f) : DeepFool(steps, candidates, overshoot)
{
    /// <inheritdoc/>
    public override Distance Distance => Distances.Distance.L2;

    /// <inheritdoc/>
    protected override double BoundaryDistance(double loss, ReadOnlySpan<float> gradient) =>
        Math.Abs(loss) / (Distances.Distance.L2.Norm(gradient) + 1e-8);

    /// <inheritdoc/>
    protected override void AddStep(Span<float> perturbation, ReadOnlySpan<float> gradient, double distance, float sign)
    {
        double scale = sign * distance / (Distances.Distance.L2.Norm(gradient) + 1e-8);
        System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(gradient, (float)scale, perturbation, perturbation);
    }
}
