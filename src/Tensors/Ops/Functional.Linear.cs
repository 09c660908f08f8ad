using FoolingCluster.Tensors.Autograd;
using FoolingCluster.Tensors.Kernels;

namespace FoolingCluster.Tensors.Ops;

/// <summary>Matrix products.</summary>
public static partial class Functional
{
    /// <summary><c>a[m,k] × b[k,n] → [m,n]</c>.</summary>
    public static Tensor MatMul(Tensor a, Tensor b)
    {
        if (a.Rank != 2 || b.Rank != 2 || a.Shape[1] != b.Shape[0])
        {
            throw new ShapeMismatchException($"matmul: left operand has shape {Tensor.ShapeString(a.Shape)} and right operand {Tensor.ShapeString(b.Shape)}; expected [m,k] and [k,n]");
        }

        int m = a.Shape[0], k = a.Shape[1], n = b.Shape[1];
        Tensor y = Tensor.Empty(m, n);
        Gemm.Multiply(false, false, m, n, k, 1f, a.Span, k, b.Span, n, 0f, y.Span, n);
        if (Tape.ShouldRecord(a, b))
        {
            Tape.Record("matmul", y, [a, b], (g, needs, grads) =>
            {
                if (needs[0])
                {
                    // dA = G × Bᵀ
                    Tensor ga = Tensor.Empty(m, k);
                    Gemm.Multiply(false, true, m, k, n, 1f, g.Span, n, b.Span, n, 0f, ga.Span, k);
                    grads[0] = ga;
                }

                if (needs[1])
                {
                    // dB = Aᵀ × G
                    Tensor gb = Tensor.Empty(k, n);
                    Gemm.Multiply(true, false, k, n, m, 1f, a.Span, k, g.Span, n, 0f, gb.Span, n);
                    grads[1] = gb;
                }
            });
        }

        return y;
    }

    /// <summary>
    /// Fully connected layer as in PyTorch: <c>y = x Wᵀ + b</c>.
    /// </summary>
    /// <param name="x">Input <c>[N,in]</c>.</param>
    /// <param name="weight">Weight <c>[out,in]</c>.</param>
    /// <param name="bias">Bias <c>[out]</c>, or null.</param>
    /// <returns><c>[N,out]</c>.</returns>
    public static Tensor Linear(Tensor x, Tensor weight, Tensor? bias)
    {
        if (weight.Rank != 2)
        {
            throw new ShapeMismatchException($"linear: weight has shape {Tensor.ShapeString(weight.Shape)}; expected [out,in]");
        }

        int outF = weight.Shape[0], inF = weight.Shape[1];
        if (x.Rank != 2 || x.Shape[1] != inF)
        {
            throw new ShapeMismatchException($"linear: input x has shape {Tensor.ShapeString(x.Shape)} but weight {Tensor.ShapeString(weight.Shape)} expects [N,{inF}]");
        }

        if (bias is not null && (bias.Rank != 1 || bias.Shape[0] != outF))
        {
            throw new ShapeMismatchException($"linear: bias has shape {Tensor.ShapeString(bias.Shape)} but weight {Tensor.ShapeString(weight.Shape)} expects [{outF}]");
        }

        int n = x.Shape[0];
        Tensor y = Tensor.Empty(n, outF);
        Span<float> ys = y.Span;
        if (bias is not null)
        {
            ReadOnlySpan<float> bs = bias.Span;
            for (int i = 0; i < n; i++)
            {
                bs.CopyTo(ys.Slice(i * outF, outF));
            }
        }

        Gemm.Multiply(false, true, n, outF, inF, 1f, x.Span, inF, weight.Span, inF, bias is null ? 0f : 1f, ys, outF);
        Tensor[] inputs = bias is null ? [x, weight] : [x, weight, bias];
        if (Tape.ShouldRecord(inputs))
        {
            Tape.Record("linear", y, inputs, (g, needs, grads) =>
            {
                if (needs[0])
                {
                    // dx = G[N,out] × W[out,in]
                    Tensor gx = Tensor.Empty(n, inF);
                    Gemm.Multiply(false, false, n, inF, outF, 1f, g.Span, outF, weight.Span, inF, 0f, gx.Span, inF);
                    grads[0] = gx;
                }

                if (needs[1])
                {
                    // dW = Gᵀ[out,N] × x[N,in]
                    Tensor gw = Tensor.Empty(outF, inF);
                    Gemm.Multiply(true, false, outF, inF, n, 1f, g.Span, outF, x.Span, inF, 0f, gw.Span, inF);
                    grads[1] = gw;
                }

                if (inputs.Length == 3 && needs[2])
                {
                    Tensor gb = Tensor.Zeros(outF);
                    Span<float> gbs = gb.Span;
                    ReadOnlySpan<float> gs = g.Span;
                    for (int i = 0; i < n; i++)
                    {
                        Elementwise.AddInPlace(gbs, gs.Slice(i * outF, outF));
                    }

                    grads[2] = gb;
                }
            });
        }

        return y;
    }
}
