using System.Numerics.Tensors;

namespace FoolingCluster.Tensors.Optim;

/// <summary>
/// Adam (Kingma &amp; Ba 2015) as PyTorch's <c>torch.optim.Adam</c> (L2 weight decay added to
/// the gradient): <c>m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²;
/// p ← p − η·(m/(1−β₁ᵗ)) / (√(v/(1−β₂ᵗ)) + ε)</c>.
/// </summary>
public sealed class Adam(IEnumerable<Tensor> parameters, float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float eps = 1e-8f, float weightDecay = 0f) : Optimizer(parameters)
{
    private readonly Dictionary<Tensor, (float[] M, float[] V)> _moments = new(ReferenceEqualityComparer.Instance);
    private int _step;

    /// <inheritdoc/>
    public override float LearningRate { get; set; } = learningRate;

    /// <inheritdoc/>
    public override void Step()
    {
        _step++;
        float bias1 = 1f - MathF.Pow(beta1, _step);
        float bias2 = 1f - MathF.Pow(beta2, _step);
        float stepSize = LearningRate / bias1;
        float sqrtBias2 = MathF.Sqrt(bias2);
        foreach (Tensor p in Params)
        {
            if (p.Grad is null)
            {
                continue;
            }

            if (!_moments.TryGetValue(p, out (float[] M, float[] V) state))
            {
                state = (new float[p.Size], new float[p.Size]);
                _moments[p] = state;
            }

            Span<float> ps = p.Span;
            ReadOnlySpan<float> grad = p.Grad.Span;
            Span<float> m = state.M;
            Span<float> v = state.V;
            for (int i = 0; i < ps.Length; i++)
            {
                float g = grad[i] + (weightDecay * ps[i]);
                m[i] = (beta1 * m[i]) + ((1f - beta1) * g);
                v[i] = (beta2 * v[i]) + ((1f - beta2) * g * g);
                ps[i] -= stepSize * m[i] / ((MathF.Sqrt(v[i]) / sqrtBias2) + eps);
            }

            p.MarkModified();
        }
    }
}
