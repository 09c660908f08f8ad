using System.Numerics.Tensors;
using FoolingCluster.Tensors.Autograd;
using FoolingCluster.Tensors.Kernels;

namespace FoolingCluster.Tensors.Ops;

/// <summary>Element-wise and scalar arithmetic on tensors of equal shape.</summary>
public static partial class Functional
{
    /// <summary><c>a + b</c>; shapes must match.</summary>
    public static Tensor Add(Tensor a, Tensor b)
    {
        RequireSameShape("add", a, b);
        Tensor y = Tensor.EmptyLike(a);
        ParallelRanges.Run(y.Size, y.Size, 0, (first, last) => TensorPrimitives.Add(a.Span[first..last], b.Span[first..last], y.Span[first..last]));
        if (Tape.ShouldRecord(a, b))
        {
            Tape.Record("add", y, [a, b], (g, needs, grads) =>
            {
                grads[0] = needs[0] ? g.Clone() : null;
                grads[1] = needs[1] ? g.Clone() : null;
            });
        }

        return y;
    }

    /// <summary>
    /// <c>max(a + b, 0)</c>, as a residual block ends, in one pass over blocks small enough that
    /// each sum is still in L1 when the ReLU reads it: the bits of <see cref="Relu"/> of
    /// <see cref="AddBroadcast"/>. Operands of different shapes, or on the tape, run those two ops.
    /// </summary>
    /// <param name="a">Any shape.</param>
    /// <param name="b">The shape of <paramref name="a"/>, or one that broadcasts with it (e.g. <c>[C,1,1]</c> with <c>[N,C,H,W]</c>).</param>
    /// <returns>The broadcast shape, every element at least 0 (or NaN).</returns>
    /// <exception cref="ShapeMismatchException">The shapes do not broadcast.</exception>
    public static Tensor AddRelu(Tensor a, Tensor b)
    {
        if (!Tensor.SameShape(a.Shape, b.Shape) || Tape.ShouldRecord(a, b))
        {
            return Relu(AddBroadcast(a, b));
        }

        Tensor y = Tensor.EmptyLike(a);
        ParallelRanges.Run(y.Size, y.Size, 0, (first, last) =>
        {
            for (int from = first; from < last; from += AddReluBlock)
            {
                int to = Math.Min(last, from + AddReluBlock);
                Span<float> sum = y.Span[from..to];
                TensorPrimitives.Add(a.Span[from..to], b.Span[from..to], sum);
                Activation.ReluInPlace(sum);
            }
        });
        return y;
    }

    /// <summary>Floats summed before the ReLU passes over them: 8 KB of each operand and of the sum.</summary>
    private const int AddReluBlock = 2048;

    /// <summary><c>a − b</c>; shapes must match.</summary>
    public static Tensor Sub(Tensor a, Tensor b)
    {
        RequireSameShape("sub", a, b);
        Tensor y = Tensor.EmptyLike(a);
        TensorPrimitives.Subtract(a.Span, b.Span, y.Span);
        if (Tape.ShouldRecord(a, b))
        {
            Tape.Record("sub", y, [a, b], (g, needs, grads) =>
            {
                grads[0] = needs[0] ? g.Clone() : null;
                if (needs[1])
                {
                    Tensor gb = Tensor.EmptyLike(b);
                    TensorPrimitives.Negate(g.Span, gb.Span);
                    grads[1] = gb;
                }
            });
        }

        return y;
    }

    /// <summary><c>a ⊙ b</c>; shapes must match.</summary>
    public static Tensor Mul(Tensor a, Tensor b)
    {
        RequireSameShape("mul", a, b);
        Tensor y = Tensor.EmptyLike(a);
        TensorPrimitives.Multiply(a.Span, b.Span, y.Span);
        if (Tape.ShouldRecord(a, b))
        {
            Tape.Record("mul", y, [a, b], (g, needs, grads) =>
            {
                if (needs[0])
                {
                    Tensor ga = Tensor.EmptyLike(a);
                    TensorPrimitives.Multiply(g.Span, b.Span, ga.Span);
                    grads[0] = ga;
                }

                if (needs[1])
                {
                    Tensor gb = Tensor.EmptyLike(b);
                    TensorPrimitives.Multiply(g.Span, a.Span, gb.Span);
                    grads[1] = gb;
                }
            });
        }

        return y;
    }

    /// <summary><c>a / b</c>; shapes must match.</summary>
    public static Tensor Div(Tensor a, Tensor b)
    {
        RequireSameShape("div", a, b);
        Tensor y = Tensor.EmptyLike(a);
        TensorPrimitives.Divide(a.Span, b.Span, y.Span);
        if (Tape.ShouldRecord(a, b))
        {
            Tape.Record("div", y, [a, b], (g, needs, grads) =>
            {
                if (needs[0])
                {
                    Tensor ga = Tensor.EmptyLike(a);
                    TensorPrimitives.Divide(g.Span, b.Span, ga.Span);
                    grads[0] = ga;
                }

                if (needs[1])
                {
                    // d(a/b)/db = −y/b
                    Tensor gb = Tensor.EmptyLike(b);
                    TensorPrimitives.Multiply(g.Span, y.Span, gb.Span);
                    TensorPrimitives.Divide(gb.Span, b.Span, gb.Span);
                    TensorPrimitives.Negate(gb.Span, gb.Span);
                    grads[1] = gb;
                }
            });
        }

        return y;
    }

    /// <summary><c>x + s</c>.</summary>
    public static Tensor AddScalar(Tensor x, float s)
    {
        Tensor y = Tensor.EmptyLike(x);
        TensorPrimitives.Add(x.Span, s, y.Span);
        if (Tape.ShouldRecord(x))
        {
            Tape.Record("add_scalar", y, [x], (g, needs, grads) => grads[0] = g.Clone());
        }

        return y;
    }

    /// <summary><c>x · s</c>.</summary>
    public static Tensor MulScalar(Tensor x, float s)
    {
        Tensor y = Tensor.EmptyLike(x);
        TensorPrimitives.Multiply(x.Span, s, y.Span);
        if (Tape.ShouldRecord(x))
        {
            Tape.Record("mul_scalar", y, [x], (g, needs, grads) =>
            {
                Tensor gx = Tensor.EmptyLike(x);
                TensorPrimitives.Multiply(g.Span, s, gx.Span);
                grads[0] = gx;
            });
        }

        return y;
    }

    /// <summary><c>−x</c>.</summary>
    public static Tensor Neg(Tensor x) => MulScalar(x, -1f);

    /// <summary><c>x²</c>.</summary>
    public static Tensor Square(Tensor x) => Mul(x, x);

    /// <summary><c>eˣ</c>.</summary>
    public static Tensor Exp(Tensor x)
    {
        Tensor y = Tensor.EmptyLike(x);
        TensorPrimitives.Exp(x.Span, y.Span);
        if (Tape.ShouldRecord(x))
        {
            Tape.Record("exp", y, [x], (g, needs, grads) =>
            {
                Tensor gx = Tensor.EmptyLike(x);
                TensorPrimitives.Multiply(g.Span, y.Span, gx.Span);
                grads[0] = gx;
            });
        }

        return y;
    }

    /// <summary>Natural logarithm; NaN for negative inputs, −∞ at 0, as <see cref="MathF.Log(float)"/>.</summary>
    public static Tensor Log(Tensor x)
    {
        Tensor y = Tensor.EmptyLike(x);
        TensorPrimitives.Log(x.Span, y.Span);
        if (Tape.ShouldRecord(x))
        {
            Tape.Record("log", y, [x], (g, needs, grads) =>
            {
                Tensor gx = Tensor.EmptyLike(x);
                TensorPrimitives.Divide(g.Span, x.Span, gx.Span);
                grads[0] = gx;
            });
        }

        return y;
    }

    /// <summary>
    /// <c>min(max(x, lo), hi)</c>. The gradient passes where lo &lt; x &lt; hi and is zero
    /// where the value was clipped (PyTorch passes it at the boundary itself too; so do we).
    /// </summary>
    public static Tensor Clamp(Tensor x, float lo, float hi)
    {
        if (lo > hi)
        {
            throw new ArgumentException($"clamp: lower bound {lo} exceeds upper bound {hi}");
        }

        Tensor y = Tensor.EmptyLike(x);
        TensorPrimitives.Clamp(x.Span, lo, hi, y.Span);
        if (Tape.ShouldRecord(x))
        {
            Tape.Record("clamp", y, [x], (g, needs, grads) =>
            {
                Tensor gx = Tensor.EmptyLike(x);
                ReadOnlySpan<float> xs = x.Span;
                ReadOnlySpan<float> gs = g.Span;
                Span<float> outs = gx.Span;
                for (int i = 0; i < xs.Length; i++)
                {
                    outs[i] = xs[i] >= lo && xs[i] <= hi ? gs[i] : 0f;
                }

                grads[0] = gx;
            });
        }

        return y;
    }

    /// <summary>
    /// Sign: −1, 0 or 1 (NaN stays NaN). Piecewise constant, so its gradient is zero
    /// everywhere it exists; FGSM uses it on a gradient that is not itself differentiated.
    /// </summary>
    public static Tensor Sign(Tensor x)
    {
        Tensor y = Tensor.EmptyLike(x);
        ReadOnlySpan<float> xs = x.Span;
        Span<float> ys = y.Span;
        for (int i = 0; i < xs.Length; i++)
        {
            float v = xs[i];
            ys[i] = v > 0f ? 1f : v < 0f ? -1f : v;
        }

        if (Tape.ShouldRecord(x))
        {
            Tape.Record("sign", y, [x], (g, needs, grads) => grads[0] = Tensor.Zeros(x.Shape));
        }

        return y;
    }

    private static void RequireSameShape(string op, Tensor a, Tensor b)
    {
        if (!Tensor.SameShape(a.Shape, b.Shape))
        {
            throw new ShapeMismatchException($"{op}: left operand has shape {Tensor.ShapeString(a.Shape)} but right operand has shape {Tensor.ShapeString(b.Shape)}");
        }
    }
}
