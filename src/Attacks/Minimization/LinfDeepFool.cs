using FoolingCluster.Attacks.Distances;

namespace FoolingCluster.Attacks.Minimization;

/// <summary>
/// DeepFool under L∞: each step moves every value by <c>|l| / ‖w‖₁</c> along the sign of the
/// gradient of the logit difference. Defaults as Foolbox's <c>LinfDeepFoolAttack</c>: 50 steps,
/// 10 candidates, overshoot 0.02.
/// </summary>
public sealed class LinfDeepFool(int steps = 50, int candidates = 10, float overshoot = 0.02f) : DeepFool(steps, candidates, overshoot)
{
    /// <inheritdoc/>
    public override Distance Distance => Distances.Distance.Linf;

    /// <inheritdoc/>
    protected override double BoundaryDistance(double loss, ReadOnlySpan<float> gradient)
    {
        double l1 = 0;
        foreach (float v in gradient)
        {
            l1 += Math.Abs(v);
        }

        return Math.Abs(loss) / (l1 + 1e-8);
    }

    /// <inheritdoc/>
    protected override void AddStep(Span<float> perturbation, ReadOnlySpan<float> gradient, double distance, float sign)
    {
        float step = (float)(sign * distance);
        for (int j = 0; j < gradient.Length; j++)
        {
            perturbation[j] += gradient[j] > 0f ? step : gradient[j] < 0f ? -step : 0f;
        }
    }
}
