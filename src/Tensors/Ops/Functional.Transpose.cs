using FoolingCluster.Tensors.Autograd;

namespace FoolingCluster.Tensors.Ops;

/// <summary>Matrix transpose.</summary>
public static partial class Functional
{
    /// <summary><c>x[m,n] → xᵀ[n,m]</c>, copied; the backward transposes the gradient back.</summary>
    /// <exception cref="ShapeMismatchException">x is not a matrix.</exception>
    public static Tensor Transpose(Tensor x)
    {
        if (x.Rank != 2)
        {
            throw new ShapeMismatchException($"transpose: input x has shape {Tensor.ShapeString(x.Shape)}; expected a matrix [m,n]");
        }

        Tensor y = Tensor.Empty(x.Shape[1], x.Shape[0]);
        TransposeInto(x.Span, x.Shape[0], x.Shape[1], y.Span);
        if (Tape.ShouldRecord(x))
        {
            Tape.Record("transpose", y, [x], (g, needs, grads) =>
            {
                Tensor gx = Tensor.Empty(x.Shape);
                TransposeInto(g.Span, x.Shape[1], x.Shape[0], gx.Span);
                grads[0] = gx;
            });
        }

        return y;
    }

    private static void TransposeInto(ReadOnlySpan<float> source, int rows, int cols, Span<float> target)
    {
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++)
            {
                target[(c * rows) + r] = source[(r * cols) + c];
            }
        }
    }
}
