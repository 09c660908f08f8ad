using System.Runtime.InteropServices;
using FoolingCluster.Tensors.Autograd;
using FoolingCluster.Tensors.Kernels;

namespace FoolingCluster.Tensors.Ops;

/// <summary>Pooling; records its backward on the tape.</summary>
public static partial class Functional
{
    /// <summary>
    /// Max over <paramref name="kernel"/>×<paramref name="kernel"/> windows every
    /// <paramref name="stride"/> pixels, no padding, incomplete windows dropped (PyTorch's default
    /// floor mode). Backward sends each output's gradient to the input that was its maximum.
    /// </summary>
    /// <param name="x">Input <c>[N,C,H,W]</c>.</param>
    /// <param name="kernel">Window side, at least 1.</param>
    /// <param name="stride">Step between windows, at least 1.</param>
    /// <returns><c>[N,C,OH,OW]</c> with OH = (H − kernel) / stride + 1, likewise OW.</returns>
    /// <exception cref="ShapeMismatchException">x is not rank 4 or is smaller than the window.</exception>
    public static Tensor MaxPool2d(Tensor x, int kernel, int stride)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(kernel, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, 1);
        if (x.Rank != 4)
        {
            throw new ShapeMismatchException($"max_pool2d: input x has shape {Tensor.ShapeString(x.Shape)} but must be [N,C,H,W]");
        }

        int height = x.Dim(2);
        int width = x.Dim(3);
        if (kernel > height || kernel > width)
        {
            throw new ShapeMismatchException($"max_pool2d: a {kernel}×{kernel} window does not fit input x {Tensor.ShapeString(x.Shape)}");
        }

        int planes = x.Dim(0) * x.Dim(1);
        int outH = PoolKernel.OutSize(height, kernel, stride);
        int outW = PoolKernel.OutSize(width, kernel, stride);
        Tensor y = Tensor.Empty(x.Dim(0), x.Dim(1), outH, outW);
        if (!Tape.ShouldRecord(x))
        {
            // No backward pass follows: the maxima without their indices.
            PoolKernel.MaxForward(x.Span, planes, height, width, kernel, stride, y.Span, default);
            return y;
        }

        // The indices live in a pooled tensor's storage (same size, reinterpreted as int) so
        // they go back to the pool with the step's other tensors when the scope ends.
        Tensor argmax = Tensor.Empty(y.Shape);
        PoolKernel.MaxForward(x.Span, planes, height, width, kernel, stride, y.Span, MemoryMarshal.Cast<float, int>(argmax.Span));
        Tape.Record("max_pool2d", y, [x], (gy, needs, grads) =>
        {
            Tensor gx = Tensor.Empty(x.Shape);
            PoolKernel.MaxBackward(gy.Span, MemoryMarshal.Cast<float, int>(argmax.Span), planes, height, width, gx.Span);
            grads[0] = gx;
        });
        return y;
    }
}
