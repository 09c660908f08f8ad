using FoolingCluster.Tensors.Autograd;

namespace FoolingCluster.Tensors.Ops;

/// <summary>Ops that change a tensor's shape but not its row-major element order.</summary>
public static partial class Functional
{
    /// <summary>
    /// The same elements under another shape. One dimension may be −1 and is inferred.
    /// Copies (tensors are contiguous and own their storage).
    /// </summary>
    public static Tensor Reshape(Tensor x, params int[] shape)
    {
        int[] resolved = ResolveShape(x, shape);
        Tensor y = Tensor.Empty(resolved);
        x.Span.CopyTo(y.Span);
        if (Tape.ShouldRecord(x))
        {
            Tape.Record("reshape", y, [x], (g, needs, grads) =>
            {
                Tensor gx = Tensor.Empty(x.Shape);
                g.Span.CopyTo(gx.Span);
                grads[0] = gx;
            });
        }

        return y;
    }

    /// <summary><c>[N, d1, d2, …] → [N, d1·d2·…]</c>.</summary>
    public static Tensor Flatten(Tensor x)
    {
        if (x.Rank < 1)
        {
            throw new ShapeMismatchException($"flatten: input has shape {Tensor.ShapeString(x.Shape)}; it needs a batch dimension");
        }

        return Reshape(x, x.Shape[0], x.Rank == 1 ? 1 : x.Size / Math.Max(1, x.Shape[0]));
    }

    private static int[] ResolveShape(Tensor x, int[] shape)
    {
        int[] resolved = (int[])shape.Clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < resolved.Length; i++)
        {
            if (resolved[i] == -1)
            {
                if (infer >= 0)
                {
                    throw new ShapeMismatchException($"reshape: target shape {Tensor.ShapeString(shape)} has more than one −1");
                }

                infer = i;
            }
            else
            {
                known *= resolved[i];
            }
        }

        if (infer >= 0)
        {
            if (known == 0 || x.Size % known != 0)
            {
                throw new ShapeMismatchException($"reshape: cannot view tensor of shape {Tensor.ShapeString(x.Shape)} as {Tensor.ShapeString(shape)}");
            }

            resolved[infer] = (int)(x.Size / known);
        }

        if (Tensor.ShapeSize(resolved) != x.Size)
        {
            throw new ShapeMismatchException($"reshape: tensor of shape {Tensor.ShapeString(x.Shape)} ({x.Size} elements) cannot become {Tensor.ShapeString(shape)}");
        }

        return resolved;
    }
}
