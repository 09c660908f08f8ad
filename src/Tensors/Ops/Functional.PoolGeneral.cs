using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using FoolingCluster.Tensors.Autograd;
using FoolingCluster.Tensors.Kernels;

namespace FoolingCluster.Tensors.Ops;

/// <summary>General 2-D pooling: rectangular windows, separate strides, asymmetric padding, ceil mode; global average pooling.</summary>
public static partial class Functional
{
    /// <summary>
    /// Max over KH×KW windows (ONNX <c>MaxPool</c> without dilation, PyTorch <c>nn.MaxPool2d</c>):
    /// <c>y[n,c,oh,ow] = max x[n,c,ih,iw]</c> over the window's inputs inside the image, so padding
    /// never wins. Backward sends each output's gradient to the input that was its maximum.
    /// NaN propagates.
    /// </summary>
    /// <param name="x">Input <c>[N,C,H,W]</c>.</param>
    /// <param name="options">Kernel, strides, pads and ceil mode (<see cref="Pool2dOptions.CountIncludePad"/> is ignored).</param>
    /// <returns>
    /// <c>[N,C,OH,OW]</c> with OH = ⌊(H + pt + pb − KH) / sh⌋ + 1, or with ceil mode
    /// ⌈(H + pt + pb − KH) / sh⌉ + 1 less one if that window would start at or past H + pt; likewise OW.
    /// </returns>
    /// <exception cref="InvalidInputException">A kernel size or stride is below 1, or a pad is negative or not smaller than the kernel.</exception>
    /// <exception cref="ShapeMismatchException">x is not rank 4 or the window is larger than the padded input.</exception>
    public static Tensor MaxPool2d(Tensor x, Pool2dOptions options)
    {
        PoolGeometry g = PoolGeometryOf("max_pool2d", x, options);
        if (IsPlainSquarePool(g))
        {
            return MaxPool2d(x, g.KernelHeight, g.StrideHeight);
        }

        Tensor y = Tensor.Empty(x.Dim(0), x.Dim(1), g.OutHeight, g.OutWidth);
        if (!Tape.ShouldRecord(x))
        {
            WindowPoolKernel.MaxForward(g, x.Span, y.Span, default);
            return y;
        }

        // As in the square overload, the indices live in a pooled tensor's storage.
        Tensor argmax = Tensor.Empty(y.Shape);
        WindowPoolKernel.MaxForward(g, x.Span, y.Span, MemoryMarshal.Cast<float, int>(argmax.Span));
        Tape.Record("max_pool2d", y, [x], (gy, needs, grads) =>
        {
            Tensor gx = Tensor.Empty(x.Shape);
            PoolKernel.MaxBackward(gy.Span, MemoryMarshal.Cast<float, int>(argmax.Span), g.Planes, g.Height, g.Width, gx.Span);
            grads[0] = gx;
        });
        return y;
    }

    /// <summary>
    /// Mean over KH×KW windows (ONNX <c>AveragePool</c>, PyTorch <c>nn.AvgPool2d</c>): the sum of
    /// the window's inputs inside the image divided by their count, or with
    /// <see cref="Pool2dOptions.CountIncludePad"/> by the window's size within the padded input.
    /// Backward spreads each output's gradient evenly over the same cells with the same divisor.
    /// </summary>
    /// <param name="x">Input <c>[N,C,H,W]</c>.</param>
    /// <param name="options">Kernel, strides, pads, ceil mode and count_include_pad.</param>
    /// <returns><c>[N,C,OH,OW]</c>, sizes as for <see cref="MaxPool2d(Tensor, Pool2dOptions)"/>.</returns>
    /// <exception cref="InvalidInputException">A kernel size or stride is below 1, or a pad is negative or not smaller than the kernel.</exception>
    /// <exception cref="ShapeMismatchException">x is not rank 4 or the window is larger than the padded input.</exception>
    public static Tensor AveragePool2d(Tensor x, Pool2dOptions options)
    {
        PoolGeometry g = PoolGeometryOf("average_pool2d", x, options);
        bool includePad = options.CountIncludePad;
        Tensor y = Tensor.Empty(x.Dim(0), x.Dim(1), g.OutHeight, g.OutWidth);
        WindowPoolKernel.AverageForward(g, x.Span, includePad, y.Span);
        if (Tape.ShouldRecord(x))
        {
            Tape.Record("average_pool2d", y, [x], (gy, needs, grads) =>
            {
                Tensor gx = Tensor.Empty(x.Shape);
                WindowPoolKernel.AverageBackward(g, gy.Span, includePad, gx.Span);
                grads[0] = gx;
            });
        }

        return y;
    }

    /// <summary>
    /// Mean of each plane (ONNX <c>GlobalAveragePool</c>, PyTorch <c>nn.AdaptiveAvgPool2d(1)</c>):
    /// <c>y[n,c,0,0] = Σ_{h,w} x[n,c,h,w] / (H·W)</c>. Backward gives every input <c>gy[n,c] / (H·W)</c>.
    /// </summary>
    /// <param name="x">Input <c>[N,C,H,W]</c> with H, W ≥ 1.</param>
    /// <returns><c>[N,C,1,1]</c>.</returns>
    /// <exception cref="ShapeMismatchException">x is not a rank-4 tensor with non-empty planes.</exception>
    public static Tensor GlobalAveragePool(Tensor x)
    {
        if (x.Rank != 4 || x.Dim(2) == 0 || x.Dim(3) == 0)
        {
            throw new ShapeMismatchException($"global_average_pool: input x has shape {Tensor.ShapeString(x.Shape)} but must be [N,C,H,W] with H, W ≥ 1");
        }

        int planes = x.Dim(0) * x.Dim(1);
        int size = x.Dim(2) * x.Dim(3);
        Tensor y = Tensor.Empty(x.Dim(0), x.Dim(1), 1, 1);
        ReadOnlySpan<float> xs = x.Span;
        Span<float> ys = y.Span;
        for (int p = 0; p < planes; p++)
        {
            ys[p] = TensorPrimitives.Sum(xs.Slice(p * size, size)) / size;
        }

        if (Tape.ShouldRecord(x))
        {
            Tape.Record("global_average_pool", y, [x], (gy, needs, grads) =>
            {
                Tensor gx = Tensor.Empty(x.Shape);
                ReadOnlySpan<float> gys = gy.Span;
                Span<float> gxs = gx.Span;
                for (int p = 0; p < planes; p++)
                {
                    gxs.Slice(p * size, size).Fill(gys[p] / size);
                }

                grads[0] = gx;
            });
        }

        return y;
    }

    private static PoolGeometry PoolGeometryOf(string op, Tensor x, Pool2dOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (x.Rank != 4)
        {
            throw new ShapeMismatchException($"{op}: input x has shape {Tensor.ShapeString(x.Shape)} but must be [N,C,H,W]");
        }

        Padding2d p = options.Padding;
        if (options.KernelHeight < 1 || options.KernelWidth < 1 || options.StrideHeight < 1 || options.StrideWidth < 1)
        {
            throw new InvalidInputException($"{op}: kernel {options.KernelHeight}×{options.KernelWidth} and strides ({options.StrideHeight}, {options.StrideWidth}) must be at least 1");
        }

        if (!p.IsValid || p.Top >= options.KernelHeight || p.Bottom >= options.KernelHeight || p.Left >= options.KernelWidth || p.Right >= options.KernelWidth)
        {
            throw new InvalidInputException($"{op}: padding ({p}) must be at least 0 and smaller than the {options.KernelHeight}×{options.KernelWidth} kernel on each side");
        }

        var g = new PoolGeometry(
            x.Dim(0) * x.Dim(1), x.Dim(2), x.Dim(3), options.KernelHeight, options.KernelWidth,
            options.StrideHeight, options.StrideWidth, p.Top, p.Left, p.Bottom, p.Right, options.CeilMode);
        if (g.Problem() is string problem)
        {
            throw new ShapeMismatchException($"{op}: input x {Tensor.ShapeString(x.Shape)}: {problem}");
        }

        return g;
    }

    /// <summary>
    /// 2×2 windows every 2 pixels, no padding, and the same windows as floor mode: the square
    /// overload's case for which its kernel has a vectorised path.
    /// </summary>
    private static bool IsPlainSquarePool(in PoolGeometry g) =>
        g.KernelHeight == 2 && g.KernelWidth == 2 && g.StrideHeight == 2 && g.StrideWidth == 2 &&
        g.PadTop == 0 && g.PadLeft == 0 && g.PadBottom == 0 && g.PadRight == 0 &&
        g.OutHeight == PoolKernel.OutSize(g.Height, g.KernelHeight, g.StrideHeight) &&
        g.OutWidth == PoolKernel.OutSize(g.Width, g.KernelWidth, g.StrideWidth);
}
