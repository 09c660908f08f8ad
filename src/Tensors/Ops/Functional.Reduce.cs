using System.Numerics.Tensors;
using FoolingCluster.Tensors.Autograd;

namespace FoolingCluster.Tensors.Ops;

/// <summary>Reductions.</summary>
public static partial class Functional
{
    /// <summary>Sum of all elements, as a scalar tensor of shape <c>[]</c>.</summary>
    public static Tensor Sum(Tensor x)
    {
        Tensor y = Tensor.Empty();
        y[0] = SumDouble(x.Span);
        if (Tape.ShouldRecord(x))
        {
            Tape.Record("sum", y, [x], (g, needs, grads) => grads[0] = Tensor.Full(g[0], x.Shape));
        }

        return y;
    }

    /// <summary>Mean of all elements, as a scalar tensor of shape <c>[]</c>.</summary>
    public static Tensor Mean(Tensor x)
    {
        if (x.Size == 0)
        {
            throw new ShapeMismatchException($"mean: input of shape {Tensor.ShapeString(x.Shape)} is empty");
        }

        Tensor y = Tensor.Empty();
        y[0] = SumDouble(x.Span) / x.Size;
        if (Tape.ShouldRecord(x))
        {
            Tape.Record("mean", y, [x], (g, needs, grads) => grads[0] = Tensor.Full(g[0] / x.Size, x.Shape));
        }

        return y;
    }

    /// <summary>
    /// Sums each sample: <c>[N, …] → [N]</c>. Per-sample losses (VAE terms, attack objectives)
    /// are built from this.
    /// </summary>
    public static Tensor SumPerSample(Tensor x)
    {
        if (x.Rank < 1)
        {
            throw new ShapeMismatchException($"sum per sample: input has shape {Tensor.ShapeString(x.Shape)}; it needs a batch dimension");
        }

        int n = x.Shape[0];
        int per = n == 0 ? 0 : x.Size / n;
        Tensor y = Tensor.Empty(n);
        for (int i = 0; i < n; i++)
        {
            y[i] = SumDouble(x.Span.Slice(i * per, per));
        }

        if (Tape.ShouldRecord(x))
        {
            Tape.Record("sum_per_sample", y, [x], (g, needs, grads) =>
            {
                Tensor gx = Tensor.EmptyLike(x);
                for (int i = 0; i < n; i++)
                {
                    gx.Span.Slice(i * per, per).Fill(g[i]);
                }

                grads[0] = gx;
            });
        }

        return y;
    }

    /// <summary>Sum in double precision, so long reductions don't lose the small terms.</summary>
    internal static float SumDouble(ReadOnlySpan<float> xs)
    {
        // Blocks of float sums (vectorised) combined in double: accurate to ~1e-7 relative
        // for any length we use, at TensorPrimitives speed.
        const int Block = 1024;
        double total = 0;
        for (int i = 0; i < xs.Length; i += Block)
        {
            total += TensorPrimitives.Sum(xs.Slice(i, Math.Min(Block, xs.Length - i)));
        }

        return (float)total;
    }
}
