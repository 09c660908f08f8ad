using FoolingCluster.Tensors.Autograd;

namespace FoolingCluster.Tensors.Ops;

/// <summary>Element-wise arithmetic with NumPy broadcasting, as ONNX's Add, Sub, Mul and Div define it.</summary>
public static partial class Functional
{
    /// <summary><c>a + b</c> with NumPy broadcasting (e.g. <c>[N,K] + [K]</c>, <c>[N,C,H,W] + [1,C,1,1]</c>).</summary>
    /// <exception cref="ShapeMismatchException">The shapes do not broadcast.</exception>
    public static Tensor AddBroadcast(Tensor a, Tensor b) =>
        Tensor.SameShape(a.Shape, b.Shape) ? Add(a, b) : Broadcast("add", a, b, static (x, y) => x + y, static (_, _) => 1f, static (_, _) => 1f);

    /// <summary><c>a − b</c> with NumPy broadcasting.</summary>
    /// <exception cref="ShapeMismatchException">The shapes do not broadcast.</exception>
    public static Tensor SubBroadcast(Tensor a, Tensor b) =>
        Tensor.SameShape(a.Shape, b.Shape) ? Sub(a, b) : Broadcast("sub", a, b, static (x, y) => x - y, static (_, _) => 1f, static (_, _) => -1f);

    /// <summary><c>a ⊙ b</c> with NumPy broadcasting.</summary>
    /// <exception cref="ShapeMismatchException">The shapes do not broadcast.</exception>
    public static Tensor MulBroadcast(Tensor a, Tensor b) =>
        Tensor.SameShape(a.Shape, b.Shape) ? Mul(a, b) : Broadcast("mul", a, b, static (x, y) => x * y, static (_, y) => y, static (x, _) => x);

    /// <summary><c>a / b</c> with NumPy broadcasting.</summary>
    /// <exception cref="ShapeMismatchException">The shapes do not broadcast.</exception>
    public static Tensor DivBroadcast(Tensor a, Tensor b) =>
        Tensor.SameShape(a.Shape, b.Shape) ? Div(a, b) : Broadcast("div", a, b, static (x, y) => x / y, static (_, y) => 1f / y, static (x, y) => -x / (y * y));

    /// <summary>
    /// The shape two operands broadcast to: aligned at the last dimension, each pair of sizes
    /// equal or one of them 1 (NumPy's rule, which ONNX's multidirectional broadcasting follows).
    /// </summary>
    /// <exception cref="ShapeMismatchException">A pair of sizes differs and neither is 1.</exception>
    public static int[] BroadcastShape(string op, ReadOnlySpan<int> a, ReadOnlySpan<int> b)
    {
        int rank = Math.Max(a.Length, b.Length);
        int[] shape = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i < rank - a.Length ? 1 : a[i - (rank - a.Length)];
            int db = i < rank - b.Length ? 1 : b[i - (rank - b.Length)];
            if (da != db && da != 1 && db != 1)
            {
                throw new ShapeMismatchException($"{op}: left operand has shape {Tensor.ShapeString(a)} and right operand {Tensor.ShapeString(b)}, which do not broadcast");
            }

            shape[i] = da == 1 ? db : da;
        }

        return shape;
    }

    /// <summary>
    /// Forward <c>y = f(a, b)</c> over the broadcast shape; backward sums <c>g · ∂f/∂a</c> (and ∂b)
    /// over every output element that read the same operand element.
    /// </summary>
    private static Tensor Broadcast(string op, Tensor a, Tensor b, Func<float, float, float> f, Func<float, float, float> dfda, Func<float, float, float> dfdb)
    {
        int[] shape = BroadcastShape(op, a.Shape, b.Shape);
        Tensor y = Tensor.Empty(shape);
        int[] offA = BroadcastOffsets(a.Shape, shape);
        int[] offB = BroadcastOffsets(b.Shape, shape);
        ReadOnlySpan<float> av = a.Span;
        ReadOnlySpan<float> bv = b.Span;
        Span<float> ys = y.Span;
        for (int i = 0; i < ys.Length; i++)
        {
            ys[i] = f(av[offA[i]], bv[offB[i]]);
        }

        if (Tape.ShouldRecord(a, b))
        {
            Tape.Record(op + "_broadcast", y, [a, b], (g, needs, grads) =>
            {
                ReadOnlySpan<float> gs = g.Span;
                ReadOnlySpan<float> ax = a.Span;
                ReadOnlySpan<float> bx = b.Span;
                if (needs[0])
                {
                    Tensor ga = Tensor.Zeros(a.Shape);
                    Span<float> gas = ga.Span;
                    for (int i = 0; i < gs.Length; i++)
                    {
                        gas[offA[i]] += gs[i] * dfda(ax[offA[i]], bx[offB[i]]);
                    }

                    grads[0] = ga;
                }

                if (needs[1])
                {
                    Tensor gb = Tensor.Zeros(b.Shape);
                    Span<float> gbs = gb.Span;
                    for (int i = 0; i < gs.Length; i++)
                    {
                        gbs[offB[i]] += gs[i] * dfdb(ax[offA[i]], bx[offB[i]]);
                    }

                    grads[1] = gb;
                }
            });
        }

        return y;
    }

    /// <summary>For each element of the broadcast <paramref name="outShape"/>, the flat index of the operand element it reads.</summary>
    private static int[] BroadcastOffsets(int[] shape, int[] outShape)
    {
        int rank = outShape.Length;
        int lead = rank - shape.Length;
        int[] strides = new int[rank];
        int stride = 1;
        for (int i = rank - 1; i >= lead; i--)
        {
            int d = shape[i - lead];
            strides[i] = d == 1 ? 0 : stride;
            stride *= d;
        }

        int[] offsets = new int[Tensor.ShapeSize(outShape)];
        int[] index = new int[rank];
        int offset = 0;
        for (int i = 0; i < offsets.Length; i++)
        {
            offsets[i] = offset;
            for (int d = rank - 1; d >= 0; d--)
            {
                // An odometer over the output index: bump the last digit, carry leftwards.
                index[d]++;
                offset += strides[d];
                if (index[d] < outShape[d])
                {
                    break;
                }

                offset -= strides[d] * index[d];
                index[d] = 0;
            }
        }

        return offsets;
    }
}
