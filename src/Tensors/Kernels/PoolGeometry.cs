namespace FoolingCluster.Tensors.Kernels;

/// <summary>
/// Sizes of a 2-D pooling of every plane of <c>[P,H,W]</c> (P = N·C) over KH×KW windows with
/// separate strides, asymmetric padding and ONNX/PyTorch <c>ceil_mode</c>, giving <c>[P,OH,OW]</c>.
/// </summary>
/// <remarks>
/// Window <c>(oh,ow)</c> covers rows <c>oh·sh − pt … oh·sh − pt + KH − 1</c> and the matching
/// columns; the parts outside the image are padding. Output size, as PyTorch and ONNX (opset 19)
/// compute it: <c>OH = ⌊(H + pt + pb − KH) / sh⌋ + 1</c>, or with ceil mode
/// <c>⌈(H + pt + pb − KH) / sh⌉ + 1</c>, less one when that last window would start at or below
/// row <c>H + pt</c> of the padded input (it would cover padding only). Pads are below the kernel
/// size, so every window covers at least one input.
/// </remarks>
/// <param name="Planes">P, planes (images times channels).</param>
/// <param name="Height">H.</param>
/// <param name="Width">W.</param>
/// <param name="KernelHeight">KH, at least 1.</param>
/// <param name="KernelWidth">KW, at least 1.</param>
/// <param name="StrideHeight">sh, at least 1.</param>
/// <param name="StrideWidth">sw, at least 1.</param>
/// <param name="PadTop">pt, in [0, KH).</param>
/// <param name="PadLeft">pl, in [0, KW).</param>
/// <param name="PadBottom">pb, in [0, KH).</param>
/// <param name="PadRight">pr, in [0, KW).</param>
/// <param name="CeilMode">Round the output size up rather than down.</param>
public readonly record struct PoolGeometry(
    int Planes, int Height, int Width, int KernelHeight, int KernelWidth,
    int StrideHeight, int StrideWidth, int PadTop, int PadLeft, int PadBottom, int PadRight, bool CeilMode)
{
    /// <summary>OH, see the remarks.</summary>
    public int OutHeight => OutSize(Height, PadTop, PadBottom, KernelHeight, StrideHeight, CeilMode);

    /// <summary>OW, see the remarks.</summary>
    public int OutWidth => OutSize(Width, PadLeft, PadRight, KernelWidth, StrideWidth, CeilMode);

    /// <summary>H·W.</summary>
    public int InPlane => Height * Width;

    /// <summary>OH·OW.</summary>
    public int OutPlane => OutHeight * OutWidth;

    /// <summary>
    /// Why these sizes cannot be pooled, or null when they can: positive sizes and strides,
    /// pads in [0, kernel) and a kernel no larger than the padded input.
    /// </summary>
    public string? Problem()
    {
        if (Planes < 0 || Height < 1 || Width < 1 || KernelHeight < 1 || KernelWidth < 1 || StrideHeight < 1 || StrideWidth < 1)
        {
            return "sizes, kernel and strides must be positive";
        }

        if (PadTop < 0 || PadBottom < 0 || PadLeft < 0 || PadRight < 0 || PadTop >= KernelHeight || PadBottom >= KernelHeight || PadLeft >= KernelWidth || PadRight >= KernelWidth)
        {
            return $"each pad must be at least 0 and smaller than the {KernelHeight}×{KernelWidth} kernel, so that no window lies wholly in the padding";
        }

        if (Height + PadTop + PadBottom < KernelHeight || Width + PadLeft + PadRight < KernelWidth)
        {
            return $"the {KernelHeight}×{KernelWidth} window is larger than the {Height + PadTop + PadBottom}×{Width + PadLeft + PadRight} padded input";
        }

        return null;
    }

    /// <summary>Output size along one axis, see the remarks.</summary>
    public static int OutSize(int size, int padBegin, int padEnd, int kernel, int stride, bool ceilMode)
    {
        int span = size + padBegin + padEnd - kernel;
        int count = (ceilMode ? (span + stride - 1) / stride : span / stride) + 1;
        if (ceilMode && (count - 1) * stride >= size + padBegin)
        {
            count--;
        }

        return count;
    }
}
