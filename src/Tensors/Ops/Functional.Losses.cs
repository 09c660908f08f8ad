using System.Numerics.Tensors;
using FoolingCluster.Tensors.Autograd;

namespace FoolingCluster.Tensors.Ops;

/// <summary>Loss functions, with PyTorch's definitions and reductions.</summary>
public static partial class Functional
{
    /// <summary>
    /// Cross-entropy of logits against integer labels, fused with log-softmax for stability:
    /// <c>ℓᵢ = log Σⱼ e^(xᵢⱼ) − xᵢ,yᵢ</c>.
    /// </summary>
    /// <param name="logits">Unnormalised scores <c>[N,K]</c>.</param>
    /// <param name="labels">N labels in [0, K).</param>
    /// <param name="reduction">None gives <c>[N]</c>; Mean and Sum give a scalar <c>[]</c>.</param>
    public static Tensor CrossEntropy(Tensor logits, ReadOnlySpan<int> labels, Reduction reduction = Reduction.Mean)
    {
        (int n, int k) = RequireMatrix("cross_entropy", logits, "logits");
        if (labels.Length != n)
        {
            throw new ShapeMismatchException($"cross_entropy: logits have shape {Tensor.ShapeString(logits.Shape)} but there are {labels.Length} labels");
        }

        int[] labelCopy = labels.ToArray();
        Tensor logProbs = Tensor.Empty(n, k);
        var perSample = new float[n];
        for (int i = 0; i < n; i++)
        {
            int label = labelCopy[i];
            if ((uint)label >= (uint)k)
            {
                throw new ArgumentOutOfRangeException(nameof(labels), label, $"cross_entropy: label {label} of sample {i} is outside [0, {k})");
            }

            Span<float> row = logProbs.Span.Slice(i * k, k);
            LogSoftmaxRow(logits.Span.Slice(i * k, k), row);
            perSample[i] = -row[label];
        }

        Tensor y = ReduceValues(perSample, reduction);
        if (Tape.ShouldRecord(logits))
        {
            Tape.Record("cross_entropy", y, [logits], (g, needs, grads) =>
            {
                // dℓᵢ/dx = softmax(xᵢ) − onehot(yᵢ)
                Tensor gx = Tensor.EmptyLike(logits);
                for (int i = 0; i < n; i++)
                {
                    float scale = ReducedGradient(g, reduction, i, n);
                    Span<float> outr = gx.Span.Slice(i * k, k);
                    TensorPrimitives.Exp(logProbs.Span.Slice(i * k, k), outr);
                    outr[labelCopy[i]] -= 1f;
                    TensorPrimitives.Multiply(outr, scale, outr);
                }

                grads[0] = gx;
            });
        }

        return y;
    }

    /// <summary>
    /// Binary cross-entropy of probabilities against targets in [0,1]:
    /// <c>−(t·log p + (1−t)·log(1−p))</c>, logs clamped at −100 as PyTorch's <c>BCELoss</c>.
    /// </summary>
    public static Tensor BinaryCrossEntropy(Tensor probabilities, Tensor targets, Reduction reduction = Reduction.Mean)
    {
        RequireSameShape("binary_cross_entropy", probabilities, targets);
        ReadOnlySpan<float> p = probabilities.Span;
        ReadOnlySpan<float> t = targets.Span;
        var values = new float[p.Length];
        for (int i = 0; i < p.Length; i++)
        {
            float logP = MathF.Max(MathF.Log(p[i]), -100f);
            float log1mP = MathF.Max(MathF.Log(1f - p[i]), -100f);
            values[i] = -((t[i] * logP) + ((1f - t[i]) * log1mP));
        }

        Tensor y = ReduceElements(values, probabilities.Shape, reduction);
        if (Tape.ShouldRecord(probabilities, targets))
        {
            Tape.Record("binary_cross_entropy", y, [probabilities, targets], (g, needs, grads) =>
            {
                int count = probabilities.Size;
                ReadOnlySpan<float> ps = probabilities.Span;
                ReadOnlySpan<float> ts = targets.Span;
                if (needs[0])
                {
                    // (p − t) / max(p(1 − p), 1e-12), PyTorch's guarded derivative.
                    Tensor gp = Tensor.EmptyLike(probabilities);
                    Span<float> outs = gp.Span;
                    for (int i = 0; i < count; i++)
                    {
                        outs[i] = ReducedGradient(g, reduction, i, count) * (ps[i] - ts[i]) / MathF.Max(ps[i] * (1f - ps[i]), 1e-12f);
                    }

                    grads[0] = gp;
                }

                if (needs[1])
                {
                    // dℓ/dt = log(1 − p) − log p, with the same clamps as the forward.
                    Tensor gt = Tensor.EmptyLike(targets);
                    Span<float> outs = gt.Span;
                    for (int i = 0; i < count; i++)
                    {
                        float logP = MathF.Max(MathF.Log(ps[i]), -100f);
                        float log1mP = MathF.Max(MathF.Log(1f - ps[i]), -100f);
                        outs[i] = ReducedGradient(g, reduction, i, count) * (log1mP - logP);
                    }

                    grads[1] = gt;
                }
            });
        }

        return y;
    }

    /// <summary>Mean squared error <c>(x − t)²</c>, reduced.</summary>
    public static Tensor MseLoss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean)
    {
        RequireSameShape("mse_loss", input, target);
        ReadOnlySpan<float> x = input.Span;
        ReadOnlySpan<float> t = target.Span;
        var values = new float[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            float d = x[i] - t[i];
            values[i] = d * d;
        }

        Tensor y = ReduceElements(values, input.Shape, reduction);
        if (Tape.ShouldRecord(input, target))
        {
            Tape.Record("mse_loss", y, [input, target], (g, needs, grads) =>
            {
                int count = input.Size;
                ReadOnlySpan<float> xs = input.Span;
                ReadOnlySpan<float> ts = target.Span;
                Tensor gx = Tensor.EmptyLike(input);
                Span<float> outs = gx.Span;
                for (int i = 0; i < count; i++)
                {
                    outs[i] = ReducedGradient(g, reduction, i, count) * 2f * (xs[i] - ts[i]);
                }

                if (needs[1])
                {
                    Tensor gt = Tensor.EmptyLike(target);
                    TensorPrimitives.Negate(gx.Span, gt.Span);
                    grads[1] = gt;
                }

                grads[0] = needs[0] ? gx : null;
            });
        }

        return y;
    }

    /// <summary>
    /// KL divergence of a diagonal Gaussian from the standard normal, per sample:
    /// <c>KL(N(μ, e^logVar) ‖ N(0, I)) = ½ Σ (μ² + e^logVar − 1 − logVar)</c> (Kingma &amp; Welling 2014).
    /// </summary>
    /// <param name="mu">Means <c>[N, …]</c>.</param>
    /// <param name="logVar">Log-variances, same shape as <paramref name="mu"/>.</param>
    /// <returns><c>[N]</c>, the divergence of each sample.</returns>
    public static Tensor GaussianKl(Tensor mu, Tensor logVar)
    {
        RequireSameShape("gaussian_kl", mu, logVar);
        if (mu.Rank < 1)
        {
            throw new ShapeMismatchException($"gaussian_kl: mu has shape {Tensor.ShapeString(mu.Shape)}; it needs a batch dimension");
        }

        int n = mu.Shape[0];
        int per = n == 0 ? 0 : mu.Size / n;
        Tensor y = Tensor.Empty(n);
        ReadOnlySpan<float> m = mu.Span;
        ReadOnlySpan<float> lv = logVar.Span;
        for (int i = 0; i < n; i++)
        {
            double sum = 0;
            for (int j = i * per; j < (i + 1) * per; j++)
            {
                sum += (m[j] * m[j]) + MathF.Exp(lv[j]) - 1f - lv[j];
            }

            y[i] = (float)(0.5 * sum);
        }

        if (Tape.ShouldRecord(mu, logVar))
        {
            Tape.Record("gaussian_kl", y, [mu, logVar], (g, needs, grads) =>
            {
                Tensor gm = Tensor.EmptyLike(mu);
                Tensor gl = Tensor.EmptyLike(logVar);
                ReadOnlySpan<float> ms = mu.Span;
                ReadOnlySpan<float> lvs = logVar.Span;
                for (int i = 0; i < n; i++)
                {
                    float gi = g[i];
                    for (int j = i * per; j < (i + 1) * per; j++)
                    {
                        gm[j] = gi * ms[j];
                        gl[j] = gi * 0.5f * (MathF.Exp(lvs[j]) - 1f);
                    }
                }

                grads[0] = needs[0] ? gm : null;
                grads[1] = needs[1] ? gl : null;
            });
        }

        return y;
    }

    private static Tensor ReduceValues(float[] values, Reduction reduction) => reduction switch
    {
        Reduction.None => Tensor.FromArray(values, values.Length),
        Reduction.Sum => Tensor.FromArray([SumDouble(values)]),
        _ => Tensor.FromArray([values.Length == 0 ? float.NaN : SumDouble(values) / values.Length]),
    };

    private static Tensor ReduceElements(float[] values, int[] shape, Reduction reduction) =>
        reduction == Reduction.None ? Tensor.FromArray(values, shape) : ReduceValues(values, reduction);

    /// <summary>The upstream gradient reaching element i of an unreduced loss.</summary>
    private static float ReducedGradient(Tensor g, Reduction reduction, int i, int count) => reduction switch
    {
        Reduction.None => g[i],
        Reduction.Sum => g[0],
        _ => g[0] / count,
    };
}
