using FoolingCluster.Tensors.Autograd;

namespace FoolingCluster.Tensors.Ops;

/// <summary>Element-wise ops of ONNX image classifiers: LeakyRelu and Clip (ReLU6).</summary>
public static partial class Functional
{
    /// <summary>
    /// <c>x if x &gt; 0 else alpha·x</c> (ONNX <c>LeakyRelu</c>, PyTorch <c>F.leaky_relu</c>).
    /// Backward passes the gradient where x &gt; 0 and scales it by alpha elsewhere, x = 0
    /// included, as PyTorch does.
    /// </summary>
    /// <param name="x">Any shape.</param>
    /// <param name="alpha">Slope for negative inputs; ONNX's default is 0.01.</param>
    /// <returns>The same shape as x.</returns>
    public static Tensor LeakyRelu(Tensor x, float alpha = 0.01f)
    {
        Tensor y = Tensor.EmptyLike(x);
        ReadOnlySpan<float> xs = x.Span;
        Span<float> ys = y.Span;
        for (int i = 0; i < xs.Length; i++)
        {
            float v = xs[i];
            ys[i] = v > 0f ? v : alpha * v;
        }

        if (Tape.ShouldRecord(x))
        {
            Tape.Record("leaky_relu", y, [x], (g, needs, grads) =>
            {
                Tensor gx = Tensor.EmptyLike(x);
                ReadOnlySpan<float> inputs = x.Span;
                ReadOnlySpan<float> gs = g.Span;
                Span<float> outs = gx.Span;
                for (int i = 0; i < inputs.Length; i++)
                {
                    outs[i] = inputs[i] > 0f ? gs[i] : alpha * gs[i];
                }

                grads[0] = gx;
            });
        }

        return y;
    }

    /// <summary>
    /// <c>min(max(x, min), max)</c> with either bound optional (ONNX <c>Clip</c>; MobileNetV2's
    /// ReLU6 is <c>Clip(x, 0, 6)</c>). As in ONNX and PyTorch, a lower bound above the upper one
    /// makes every output the upper bound, and NaN stays NaN.
    /// </summary>
    /// <remarks>
    /// The gradient passes where <c>min ≤ x ≤ max</c>, the bounds themselves included, and is zero
    /// where the value was clipped: the convention of PyTorch's <c>clamp</c> and of
    /// <see cref="Clamp"/>, which is this op with both bounds given and min ≤ max.
    /// </remarks>
    /// <param name="x">Any shape.</param>
    /// <param name="min">Lower bound, or null for none (−∞).</param>
    /// <param name="max">Upper bound, or null for none (+∞).</param>
    /// <returns>The same shape as x.</returns>
    public static Tensor Clip(Tensor x, float? min, float? max)
    {
        float lo = min ?? float.NegativeInfinity;
        float hi = max ?? float.PositiveInfinity;
        Tensor y = Tensor.EmptyLike(x);
        ReadOnlySpan<float> xs = x.Span;
        Span<float> ys = y.Span;
        for (int i = 0; i < xs.Length; i++)
        {
            float v = xs[i] < lo ? lo : xs[i];
            ys[i] = v > hi ? hi : v;
        }

        if (Tape.ShouldRecord(x))
        {
            Tape.Record("clip", y, [x], (g, needs, grads) =>
            {
                Tensor gx = Tensor.EmptyLike(x);
                ReadOnlySpan<float> inputs = x.Span;
                ReadOnlySpan<float> gs = g.Span;
                Span<float> outs = gx.Span;
                for (int i = 0; i < inputs.Length; i++)
                {
                    outs[i] = inputs[i] >= lo && inputs[i] <= hi ? gs[i] : 0f;
                }

                grads[0] = gx;
            });
        }

        return y;
    }
}
