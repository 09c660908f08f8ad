using System.Buffers;
using System.Numerics.Tensors;
using FoolingCluster.Tensors.Autograd;

namespace FoolingCluster.Tensors.Ops;

/// <summary>Batch normalisation (Ioffe &amp; Szegedy 2015), PyTorch semantics.</summary>
public static partial class Functional
{
    /// <summary>
    /// Normalises each channel of <c>[N,C]</c> or <c>[N,C,H,W]</c> input.
    /// In training, uses the batch's mean and biased variance and updates the running
    /// statistics in place with the unbiased variance (as PyTorch); in evaluation, uses the
    /// running statistics.
    /// </summary>
    /// <param name="x">Input <c>[N,C,…]</c>.</param>
    /// <param name="gamma">Scale <c>[C]</c> (PyTorch's <c>weight</c>).</param>
    /// <param name="beta">Shift <c>[C]</c> (PyTorch's <c>bias</c>).</param>
    /// <param name="runningMean">Running mean <c>[C]</c>, updated in training.</param>
    /// <param name="runningVar">Running variance <c>[C]</c>, updated in training.</param>
    /// <param name="training">Batch statistics (true) or running statistics (false).</param>
    /// <param name="momentum">Weight of the new batch in the running statistics.</param>
    /// <param name="eps">Added to the variance before the square root.</param>
    public static Tensor BatchNorm(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar, bool training, float momentum = 0.1f, float eps = 1e-5f)
    {
        if (x.Rank < 2)
        {
            throw new ShapeMismatchException($"batch_norm: input x has shape {Tensor.ShapeString(x.Shape)}; expected [N,C] or [N,C,H,W]");
        }

        int n = x.Shape[0], c = x.Shape[1];
        int s = n * c == 0 ? 0 : x.Size / (n * c);
        foreach ((Tensor t, string name) in new[] { (gamma, "weight"), (beta, "bias"), (runningMean, "running_mean"), (runningVar, "running_var") })
        {
            if (t.Rank != 1 || t.Shape[0] != c)
            {
                throw new ShapeMismatchException($"batch_norm: {name} has shape {Tensor.ShapeString(t.Shape)} but input x {Tensor.ShapeString(x.Shape)} needs [{c}]");
            }
        }

        int count = n * s;
        if (training && count <= 1)
        {
            throw new ShapeMismatchException($"batch_norm: training needs more than one value per channel; input x has shape {Tensor.ShapeString(x.Shape)}");
        }

        var mean = new float[c];
        var invStd = new float[c];
        ReadOnlySpan<float> xs = x.Span;
        float[] deviations = training ? ArrayPool<float>.Shared.Rent(Math.Max(1, s)) : [];
        for (int ch = 0; ch < c; ch++)
        {
            if (training)
            {
                double sum = 0, sumSq = 0;
                for (int i = 0; i < n; i++)
                {
                    ReadOnlySpan<float> plane = xs.Slice(((i * c) + ch) * s, s);
                    sum += TensorPrimitives.Sum(plane);
                }

                double mu = sum / count;

                // Two passes (mean, then squared deviations) as PyTorch, vectorised per plane.
                for (int i = 0; i < n; i++)
                {
                    Span<float> deviation = deviations.AsSpan(0, s);
                    TensorPrimitives.Subtract(xs.Slice(((i * c) + ch) * s, s), (float)mu, deviation);
                    sumSq += TensorPrimitives.SumOfSquares(deviation);
                }

                double variance = sumSq / count;
                mean[ch] = (float)mu;
                invStd[ch] = (float)(1.0 / Math.Sqrt(variance + eps));
                runningMean[ch] = ((1 - momentum) * runningMean[ch]) + (momentum * (float)mu);
                runningVar[ch] = ((1 - momentum) * runningVar[ch]) + (momentum * (float)(sumSq / (count - 1)));
            }
            else
            {
                mean[ch] = runningMean[ch];
                invStd[ch] = 1f / MathF.Sqrt(runningVar[ch] + eps);
            }
        }

        if (training)
        {
            ArrayPool<float>.Shared.Return(deviations);
        }

        // xHat is kept for the backward pass; y = γ·xHat + β.
        Tensor xHat = Tensor.EmptyLike(x);
        Tensor y = Tensor.EmptyLike(x);
        for (int i = 0; i < n; i++)
        {
            for (int ch = 0; ch < c; ch++)
            {
                int offset = ((i * c) + ch) * s;
                Span<float> hat = xHat.Span.Slice(offset, s);
                TensorPrimitives.Subtract(xs.Slice(offset, s), mean[ch], hat);
                TensorPrimitives.Multiply(hat, invStd[ch], hat);
                Span<float> ys = y.Span.Slice(offset, s);
                TensorPrimitives.Multiply(hat, gamma[ch], ys);
                TensorPrimitives.Add(ys, beta[ch], ys);
            }
        }

        if (Tape.ShouldRecord([x, gamma, beta]))
        {
            Tape.Record("batch_norm", y, [x, gamma, beta], (g, needs, grads) =>
            {
                var sumG = new double[c];
                var sumGHat = new double[c];
                for (int i = 0; i < n; i++)
                {
                    for (int ch = 0; ch < c; ch++)
                    {
                        int offset = ((i * c) + ch) * s;
                        ReadOnlySpan<float> gs = g.Span.Slice(offset, s);
                        sumG[ch] += TensorPrimitives.Sum(gs);
                        sumGHat[ch] += TensorPrimitives.Dot(gs, xHat.Span.Slice(offset, s));
                    }
                }

                if (needs[0])
                {
                    Tensor gx = Tensor.EmptyLike(x);
                    for (int i = 0; i < n; i++)
                    {
                        for (int ch = 0; ch < c; ch++)
                        {
                            int offset = ((i * c) + ch) * s;
                            Span<float> outs = gx.Span.Slice(offset, s);
                            float k = gamma[ch] * invStd[ch];
                            if (training)
                            {
                                // dx = γ·σ⁻¹·(g − mean(g) − x̂·mean(g·x̂))
                                float meanG = (float)(sumG[ch] / count);
                                float meanGHat = (float)(sumGHat[ch] / count);
                                TensorPrimitives.Multiply(xHat.Span.Slice(offset, s), -meanGHat, outs);
                                TensorPrimitives.Add(outs, g.Span.Slice(offset, s), outs);
                                TensorPrimitives.Add(outs, -meanG, outs);
                                TensorPrimitives.Multiply(outs, k, outs);
                            }
                            else
                            {
                                TensorPrimitives.Multiply(g.Span.Slice(offset, s), k, outs);
                            }
                        }
                    }

                    grads[0] = gx;
                }

                if (needs[1])
                {
                    Tensor gg = Tensor.Empty(c);
                    for (int ch = 0; ch < c; ch++)
                    {
                        gg[ch] = (float)sumGHat[ch];
                    }

                    grads[1] = gg;
                }

                if (needs[2])
                {
                    Tensor gb = Tensor.Empty(c);
                    for (int ch = 0; ch < c; ch++)
                    {
                        gb[ch] = (float)sumG[ch];
                    }

                    grads[2] = gb;
                }
            });
        }

        return y;
    }

    /// <summary>
    /// Inverted dropout: in training, zeroes each element with probability p and scales the
    /// rest by 1/(1−p); in evaluation, the identity.
    /// </summary>
    public static Tensor Dropout(Tensor x, float p, bool training, Random rng)
    {
        if (p < 0f || p >= 1f)
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "dropout probability must be in [0, 1)");
        }

        if (!training || p == 0f)
        {
            return Reshape(x, x.Shape);
        }

        Tensor mask = Tensor.EmptyLike(x);
        Span<float> ms = mask.Span;
        float keep = 1f / (1f - p);
        for (int i = 0; i < ms.Length; i++)
        {
            ms[i] = rng.NextSingle() < p ? 0f : keep;
        }

        Tensor y = Tensor.EmptyLike(x);
        TensorPrimitives.Multiply(x.Span, ms, y.Span);
        if (Tape.ShouldRecord(x))
        {
            Tape.Record("dropout", y, [x], (g, needs, grads) =>
            {
                Tensor gx = Tensor.EmptyLike(x);
                TensorPrimitives.Multiply(g.Span, mask.Span, gx.Span);
                grads[0] = gx;
            });
        }

        return y;
    }
}
