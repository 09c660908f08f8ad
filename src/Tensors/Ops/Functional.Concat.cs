using FoolingCluster.Tensors.Autograd;

namespace FoolingCluster.Tensors.Ops;

/// <summary>Joining tensors along an axis.</summary>
public static partial class Functional
{
    /// <summary>
    /// Joins tensors end to end along <paramref name="axis"/> (ONNX <c>Concat</c>, PyTorch
    /// <c>torch.cat</c>): every input has the same rank and the same size on every other axis.
    /// SqueezeNet's fire modules and Inception blocks join their branches along channels (axis 1).
    /// Backward hands each input its own slice of the gradient.
    /// </summary>
    /// <param name="tensors">Inputs <c>[d0,…,k_i,…,d_{r−1}]</c>, at least one, rank at least 1; a size of 0 along the axis is allowed.</param>
    /// <param name="axis">Axis to join along, in <c>[−r, r)</c>; negative counts from the end.</param>
    /// <returns><c>[d0,…,Σ k_i,…,d_{r−1}]</c>.</returns>
    /// <exception cref="InvalidInputException">No tensors, or the axis is out of range.</exception>
    /// <exception cref="ShapeMismatchException">Ranks differ, or sizes differ off the axis.</exception>
    public static Tensor Concat(IReadOnlyList<Tensor> tensors, int axis)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Count == 0)
        {
            throw new InvalidInputException("concat: needs at least one tensor");
        }

        Tensor first = tensors[0];
        int rank = first.Rank;
        if (rank == 0 || axis < -rank || axis >= rank)
        {
            throw new InvalidInputException($"concat: axis {axis} is out of range for rank {rank} (shape {Tensor.ShapeString(first.Shape)})");
        }

        axis = axis < 0 ? axis + rank : axis;
        int[] shape = (int[])first.Shape.Clone();
        shape[axis] = 0;
        for (int i = 0; i < tensors.Count; i++)
        {
            Tensor t = tensors[i];
            bool agrees = t.Rank == rank;
            for (int d = 0; agrees && d < rank; d++)
            {
                agrees = d == axis || t.Dim(d) == first.Dim(d);
            }

            if (!agrees)
            {
                throw new ShapeMismatchException($"concat: input {i} has shape {Tensor.ShapeString(t.Shape)} but input 0 has {Tensor.ShapeString(first.Shape)}; they may differ only on axis {axis}");
            }

            shape[axis] += t.Dim(axis);
        }

        // Each input is outer blocks of (its size on the axis)·inner floats; the output interleaves them.
        int outer = Tensor.ShapeSize(first.Shape.AsSpan(0, axis));
        int inner = Tensor.ShapeSize(first.Shape.AsSpan(axis + 1));
        int outBlock = shape[axis] * inner;
        Tensor y = Tensor.Empty(shape);
        Tensor[] inputs = [.. tensors];
        int[] offsets = new int[inputs.Length];
        Span<float> ys = y.Span;
        for (int i = 0, offset = 0; i < inputs.Length; offset += inputs[i].Dim(axis) * inner, i++)
        {
            offsets[i] = offset;
            int block = inputs[i].Dim(axis) * inner;
            ReadOnlySpan<float> xs = inputs[i].Span;
            for (int o = 0; o < outer; o++)
            {
                xs.Slice(o * block, block).CopyTo(ys.Slice((o * outBlock) + offset, block));
            }
        }

        if (Tape.ShouldRecord(inputs))
        {
            Tape.Record("concat", y, inputs, (gy, needs, grads) =>
            {
                ReadOnlySpan<float> gys = gy.Span;
                for (int i = 0; i < inputs.Length; i++)
                {
                    if (!needs[i])
                    {
                        continue;
                    }

                    int block = inputs[i].Dim(axis) * inner;
                    Tensor gx = Tensor.Empty(inputs[i].Shape);
                    Span<float> gxs = gx.Span;
                    for (int o = 0; o < outer; o++)
                    {
                        gys.Slice((o * outBlock) + offsets[i], block).CopyTo(gxs.Slice(o * block, block));
                    }

                    grads[i] = gx;
                }
            });
        }

        return y;
    }
}
