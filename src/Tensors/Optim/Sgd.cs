using System.Numerics.Tensors;

namespace FoolingCluster.Tensors.Optim;

/// <summary>
/// Stochastic gradient descent with momentum and weight decay, PyTorch's <c>torch.optim.SGD</c>:
/// <c>g ← ∇ + λ·p; b ← μ·b + g (b = g on the first step); p ← p − η·b</c>.
/// </summary>
public sealed class Sgd(IEnumerable<Tensor> parameters, float learningRate, float momentum = 0f, float weightDecay = 0f) : Optimizer(parameters)
{
    private readonly Dictionary<Tensor, float[]> _momentumBuffers = new(ReferenceEqualityComparer.Instance);

    /// <inheritdoc/>
    public override float LearningRate { get; set; } = learningRate;

    /// <inheritdoc/>
    public override void Step()
    {
        foreach (Tensor p in Params)
        {
            if (p.Grad is null)
            {
                continue;
            }

            Span<float> ps = p.Span;
            ReadOnlySpan<float> grad = p.Grad.Span;
            if (momentum != 0f)
            {
                if (!_momentumBuffers.TryGetValue(p, out float[]? buffer))
                {
                    buffer = new float[p.Size];
                    grad.CopyTo(buffer);
                    if (weightDecay != 0f)
                    {
                        TensorPrimitives.MultiplyAdd(ps, weightDecay, buffer, buffer);
                    }

                    _momentumBuffers[p] = buffer;
                }
                else
                {
                    // b ← μ·b + ∇ + λ·p
                    TensorPrimitives.MultiplyAdd(buffer, momentum, grad, buffer);
                    if (weightDecay != 0f)
                    {
                        TensorPrimitives.MultiplyAdd(ps, weightDecay, buffer, buffer);
                    }
                }

                TensorPrimitives.MultiplyAdd(buffer, -LearningRate, ps, ps);
            }
            else
            {
                if (weightDecay != 0f)
                {
                    TensorPrimitives.Multiply(ps, 1f - (LearningRate * weightDecay), ps);
                }

                TensorPrimitives.MultiplyAdd(grad, -LearningRate, ps, ps);
            }

            p.MarkModified();
        }
    }
}
