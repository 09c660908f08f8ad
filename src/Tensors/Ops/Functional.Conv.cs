using FoolingCluster.Tensors.Autograd;
using FoolingCluster.Tensors.Kernels;

namespace FoolingCluster.Tensors.Ops;

/// <summary>Convolution and transposed convolution; both record their backward on the tape.</summary>
public static partial class Functional
{
    /// <summary>
    /// 2-D convolution (cross-correlation, as in PyTorch) with square stride and zero padding.
    /// </summary>
    /// <param name="x">Input <c>[N,C,H,W]</c>.</param>
    /// <param name="weight">Filters <c>[OC,C,KH,KW]</c>.</param>
    /// <param name="bias">Per-filter offset <c>[OC]</c>, or null.</param>
    /// <param name="stride">Step between windows, at least 1.</param>
    /// <param name="padding">Zeros added on each side, at least 0.</param>
    /// <returns><c>[N,OC,OH,OW]</c> with OH = (H + 2·padding − KH) / stride + 1, likewise OW.</returns>
    /// <exception cref="ShapeMismatchException">Ranks, channels or bias length disagree, or the kernel is larger than the padded input.</exception>
    public static Tensor Conv2d(Tensor x, Tensor weight, Tensor? bias, int stride = 1, int padding = 0) => Conv2d(x, weight, bias, stride, padding, null);

    /// <summary>
    /// As <see cref="Conv2d(Tensor, Tensor, Tensor?, int, int)"/>, with the weight packed for the
    /// GEMM once and kept in <paramref name="cache"/> across calls (repacked when the weight or its
    /// <see cref="Tensor.Version"/> changes); null packs it on every call.
    /// </summary>
    /// <param name="x">Input <c>[N,C,H,W]</c>.</param>
    /// <param name="weight">Filters <c>[OC,C,KH,KW]</c>.</param>
    /// <param name="bias">Per-filter offset <c>[OC]</c>, or null.</param>
    /// <param name="stride">Step between windows, at least 1.</param>
    /// <param name="padding">Zeros added on each side, at least 0.</param>
    /// <param name="cache">This convolution's packed weight, or null.</param>
    /// <returns><c>[N,OC,OH,OW]</c>, as the overload without a cache within rounding.</returns>
    /// <exception cref="ShapeMismatchException">Ranks, channels or bias length disagree, or the kernel is larger than the padded input.</exception>
    public static Tensor Conv2d(Tensor x, Tensor weight, Tensor? bias, int stride, int padding, ConvWeightCache? cache)
    {
        CheckStridePadding(stride, padding);
        CheckConvRanks("conv2d", x, weight, "[OC,C,KH,KW]");
        if (weight.Dim(1) != x.Dim(1))
        {
            throw new ShapeMismatchException($"conv2d: weight has shape {Tensor.ShapeString(weight.Shape)} but input x {Tensor.ShapeString(x.Shape)} has {Channels(x.Dim(1))}");
        }

        CheckBias("conv2d", bias, weight, weight.Dim(0));
        var g = new ConvGeometry(x.Dim(0), x.Dim(1), x.Dim(2), x.Dim(3), weight.Dim(0), weight.Dim(2), weight.Dim(3), stride, padding);
        if (g.Height + (2 * padding) < g.KernelHeight || g.Width + (2 * padding) < g.KernelWidth)
        {
            throw new ShapeMismatchException($"conv2d: weight has shape {Tensor.ShapeString(weight.Shape)}, a {g.KernelHeight}×{g.KernelWidth} kernel larger than input x {Tensor.ShapeString(x.Shape)} padded by {padding}");
        }

        return Convolve(x, weight, bias, GeneralConvGeometry.From(g), cache);
    }

    /// <summary>
    /// 2-D transposed convolution (the gradient of <see cref="Conv2d(Tensor, Tensor, Tensor?, int, int)"/> with respect to its
    /// input), with PyTorch's semantics and weight layout.
    /// </summary>
    /// <param name="x">Input <c>[N,Cin,H,W]</c>.</param>
    /// <param name="weight">Filters <c>[Cin,Cout,KH,KW]</c>.</param>
    /// <param name="bias">Per-output-channel offset <c>[Cout]</c>, or null.</param>
    /// <param name="stride">Upsampling step, at least 1.</param>
    /// <param name="padding">Rows and columns cropped from each side of the full output, at least 0.</param>
    /// <param name="outputPadding">Rows and columns added at the bottom and right, 0 ≤ outputPadding &lt; stride.</param>
    /// <returns><c>[N,Cout,OH,OW]</c> with OH = (H − 1)·stride − 2·padding + KH + outputPadding, likewise OW.</returns>
    /// <exception cref="ShapeMismatchException">Ranks, channels or bias length disagree, or the output would be empty.</exception>
    public static Tensor ConvTranspose2d(Tensor x, Tensor weight, Tensor? bias, int stride = 1, int padding = 0, int outputPadding = 0)
    {
        CheckStridePadding(stride, padding);
        if (outputPadding < 0 || outputPadding >= stride)
        {
            throw new ArgumentOutOfRangeException(nameof(outputPadding), outputPadding, $"output padding must be in [0, stride = {stride})");
        }

        CheckConvRanks("conv_transpose2d", x, weight, "[Cin,Cout,KH,KW]");
        if (weight.Dim(0) != x.Dim(1))
        {
            throw new ShapeMismatchException($"conv_transpose2d: weight has shape {Tensor.ShapeString(weight.Shape)} but input x {Tensor.ShapeString(x.Shape)} has {Channels(x.Dim(1))}");
        }

        CheckBias("conv_transpose2d", bias, weight, weight.Dim(1));
        int outH = ((x.Dim(2) - 1) * stride) - (2 * padding) + weight.Dim(2) + outputPadding;
        int outW = ((x.Dim(3) - 1) * stride) - (2 * padding) + weight.Dim(3) + outputPadding;
        if (outH < 1 || outW < 1)
        {
            throw new ShapeMismatchException($"conv_transpose2d: input x {Tensor.ShapeString(x.Shape)} with weight {Tensor.ShapeString(weight.Shape)}, stride {stride} and padding {padding} gives an empty {outH}×{outW} output");
        }

        // The convolution whose input gradient this is: it maps [N,Cout,OH,OW] to x's shape
        // [N,Cin,H,W] with weight [Cin,Cout,KH,KW] read as [OC,C,KH,KW]. outputPadding < stride
        // makes its output size come back to exactly H×W.
        var g = new ConvGeometry(x.Dim(0), weight.Dim(1), outH, outW, x.Dim(1), weight.Dim(2), weight.Dim(3), stride, padding);
        Tensor y = Tensor.Empty(g.Batch, g.Channels, outH, outW);
        ConvKernel.BackwardData(g, x.Span, weight.Span, y.Span);
        if (bias is not null)
        {
            ConvKernel.AddBias(y.Span, g.Batch, g.Channels, outH * outW, bias.Span);
        }

        if (Tape.ShouldRecord([x, weight, bias]))
        {
            Tensor[] inputs = bias is null ? [x, weight] : [x, weight, bias];
            Tape.Record("conv_transpose2d", y, inputs, (gy, needs, grads) =>
            {
                if (needs[0])
                {
                    Tensor gx = Tensor.Empty(x.Shape);
                    ConvKernel.Forward(g, gy.Span, weight.Span, default, gx.Span);
                    grads[0] = gx;
                }

                if (needs[1])
                {
                    Tensor gw = Tensor.Empty(weight.Shape);
                    ConvKernel.BackwardWeight(g, gy.Span, x.Span, gw.Span);
                    grads[1] = gw;
                }

                if (bias is not null && needs[2])
                {
                    Tensor gb = Tensor.Empty(bias.Shape);
                    ConvKernel.BackwardBias(gy.Span, g.Batch, g.Channels, outH * outW, gb.Span);
                    grads[2] = gb;
                }
            });
        }

        return y;
    }

    private static void CheckStridePadding(int stride, int padding)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(padding);
    }

    private static void CheckConvRanks(string op, Tensor x, Tensor weight, string weightLayout)
    {
        if (x.Rank != 4 || x.Dim(1) == 0 || x.Dim(2) == 0 || x.Dim(3) == 0)
        {
            throw new ShapeMismatchException($"{op}: input x has shape {Tensor.ShapeString(x.Shape)} but must be a non-empty [N,C,H,W]");
        }

        if (weight.Rank != 4 || weight.Size == 0)
        {
            throw new ShapeMismatchException($"{op}: weight has shape {Tensor.ShapeString(weight.Shape)} but must be a non-empty {weightLayout} for input x {Tensor.ShapeString(x.Shape)}");
        }
    }

    private static void CheckBias(string op, Tensor? bias, Tensor weight, int channels)
    {
        if (bias is not null && (bias.Rank != 1 || bias.Dim(0) != channels))
        {
            throw new ShapeMismatchException($"{op}: bias has shape {Tensor.ShapeString(bias.Shape)} but weight {Tensor.ShapeString(weight.Shape)} has {Channels(channels)} out");
        }
    }

    private static string Channels(int count) => count == 1 ? "1 channel" : $"{count} channels";
}
