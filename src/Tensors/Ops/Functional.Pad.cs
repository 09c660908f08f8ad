using FoolingCluster.Tensors.Autograd;

namespace FoolingCluster.Tensors.Ops;

/// <summary>Padding the last two axes.</summary>
public static partial class Functional
{
    /// <summary>
    /// Adds a border of <paramref name="value"/> around the last two axes (ONNX <c>Pad</c> in
    /// constant mode with pads on H and W only, PyTorch <c>F.pad(x, (left, right, top, bottom), value=v)</c>).
    /// Backward crops the gradient back to x's shape.
    /// </summary>
    /// <param name="x">Input <c>[…,H,W]</c>, rank at least 2.</param>
    /// <param name="padding">Rows and columns to add on each side, each at least 0.</param>
    /// <param name="value">The border's value.</param>
    /// <param name="mode">Only <see cref="PadMode.Constant"/> is implemented.</param>
    /// <returns><c>[…, H + top + bottom, W + left + right]</c>.</returns>
    /// <exception cref="InvalidInputException">A pad is negative, or the mode is not constant.</exception>
    /// <exception cref="ShapeMismatchException">x has rank below 2.</exception>
    public static Tensor Pad(Tensor x, Padding2d padding, float value = 0f, PadMode mode = PadMode.Constant)
    {
        if (mode != PadMode.Constant)
        {
            throw new InvalidInputException($"pad: mode '{mode.ToString().ToLowerInvariant()}' is not supported; only 'constant' padding is");
        }

        if (!padding.IsValid)
        {
            throw new InvalidInputException($"pad: padding ({padding}) must not be negative");
        }

        if (x.Rank < 2)
        {
            throw new ShapeMismatchException($"pad: input x has shape {Tensor.ShapeString(x.Shape)} but needs at least two axes [...,H,W]");
        }

        int h = x.Dim(-2);
        int w = x.Dim(-1);
        int outH = h + padding.Top + padding.Bottom;
        int outW = w + padding.Left + padding.Right;
        int planes = Tensor.ShapeSize(x.Shape.AsSpan(0, x.Rank - 2));
        int[] shape = (int[])x.Shape.Clone();
        shape[^2] = outH;
        shape[^1] = outW;
        Tensor y = Tensor.Full(value, shape);
        ReadOnlySpan<float> xs = x.Span;
        Span<float> ys = y.Span;
        for (int p = 0; p < planes; p++)
        {
            for (int r = 0; r < h; r++)
            {
                xs.Slice(((p * h) + r) * w, w).CopyTo(ys.Slice((((p * outH) + r + padding.Top) * outW) + padding.Left, w));
            }
        }

        if (Tape.ShouldRecord(x))
        {
            Tape.Record("pad", y, [x], (gy, needs, grads) =>
            {
                Tensor gx = Tensor.Empty(x.Shape);
                ReadOnlySpan<float> gys = gy.Span;
                Span<float> gxs = gx.Span;
                for (int p = 0; p < planes; p++)
                {
                    for (int r = 0; r < h; r++)
                    {
                        gys.Slice((((p * outH) + r + padding.Top) * outW) + padding.Left, w).CopyTo(gxs.Slice(((p * h) + r) * w, w));
                    }
                }

                grads[0] = gx;
            });
        }

        return y;
    }
}
