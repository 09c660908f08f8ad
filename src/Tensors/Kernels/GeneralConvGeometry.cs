namespace FoolingCluster.Tensors.Kernels;

/// <summary>
/// Sizes of a general 2-D convolution (ONNX <c>Conv</c>, PyTorch <c>nn.Conv2d</c>) of a batch
/// <c>[N,C,H,W]</c> with a weight <c>[OC,C/G,KH,KW]</c>, giving <c>[N,OC,OH,OW]</c>: separate
/// strides, asymmetric zero padding, dilations and G groups.
/// </summary>
/// <remarks>
/// Output pixel <c>(oc,oh,ow)</c> of group <c>g = oc / (OC/G)</c> reads input channels
/// <c>g·C/G … (g+1)·C/G − 1</c> at <c>(oh·sh − pt + ki·dh, ow·sw − pl + kj·dw)</c>; reads that fall
/// outside the image read zero. With <c>G = C = OC</c> this is a depthwise convolution.
/// </remarks>
/// <param name="Batch">N, images in the batch.</param>
/// <param name="Channels">C, input channels, a multiple of <paramref name="Groups"/>.</param>
/// <param name="Height">H, input height.</param>
/// <param name="Width">W, input width.</param>
/// <param name="OutChannels">OC, output channels (filters), a multiple of <paramref name="Groups"/>.</param>
/// <param name="KernelHeight">KH.</param>
/// <param name="KernelWidth">KW.</param>
/// <param name="StrideHeight">sh, step between windows down the image, at least 1.</param>
/// <param name="StrideWidth">sw, step between windows across the image, at least 1.</param>
/// <param name="PadTop">pt, zero rows above the image.</param>
/// <param name="PadLeft">pl, zero columns left of the image.</param>
/// <param name="PadBottom">pb, zero rows below the image.</param>
/// <param name="PadRight">pr, zero columns right of the image.</param>
/// <param name="DilationHeight">dh, spacing of kernel rows, at least 1.</param>
/// <param name="DilationWidth">dw, spacing of kernel columns, at least 1.</param>
/// <param name="Groups">G, independent channel groups, at least 1.</param>
public readonly record struct GeneralConvGeometry(
    int Batch, int Channels, int Height, int Width,
    int OutChannels, int KernelHeight, int KernelWidth,
    int StrideHeight, int StrideWidth,
    int PadTop, int PadLeft, int PadBottom, int PadRight,
    int DilationHeight, int DilationWidth, int Groups)
{
    /// <summary>The general form of a square-stride, symmetric-padding, ungrouped geometry.</summary>
    public static GeneralConvGeometry From(in ConvGeometry g) => new(
        g.Batch, g.Channels, g.Height, g.Width, g.OutChannels, g.KernelHeight, g.KernelWidth,
        g.Stride, g.Stride, g.Padding, g.Padding, g.Padding, g.Padding, 1, 1, 1);

    /// <summary>Extent of the dilated kernel down the image: <c>dh·(KH − 1) + 1</c>.</summary>
    public int DilatedKernelHeight => (DilationHeight * (KernelHeight - 1)) + 1;

    /// <summary>Extent of the dilated kernel across the image: <c>dw·(KW − 1) + 1</c>.</summary>
    public int DilatedKernelWidth => (DilationWidth * (KernelWidth - 1)) + 1;

    /// <summary>OH = ⌊(H + pt + pb − dh·(KH − 1) − 1) / sh⌋ + 1.</summary>
    public int OutHeight => ((Height + PadTop + PadBottom - DilatedKernelHeight) / StrideHeight) + 1;

    /// <summary>OW = ⌊(W + pl + pr − dw·(KW − 1) − 1) / sw⌋ + 1.</summary>
    public int OutWidth => ((Width + PadLeft + PadRight - DilatedKernelWidth) / StrideWidth) + 1;

    /// <summary>C/G, input channels each filter reads.</summary>
    public int GroupChannels => Channels / Groups;

    /// <summary>OC/G, filters of each group.</summary>
    public int GroupOutChannels => OutChannels / Groups;

    /// <summary>(C/G)·KH·KW: one filter's weights, the rows of one group's block of the column matrix.</summary>
    public int PatchSize => GroupChannels * KernelHeight * KernelWidth;

    /// <summary>C·KH·KW: rows of an image's whole column matrix, every group's block stacked.</summary>
    public int ColumnRows => Channels * KernelHeight * KernelWidth;

    /// <summary>OH·OW: columns of an image's column matrix.</summary>
    public int OutSpatial => OutHeight * OutWidth;

    /// <summary>C·H·W: elements of one input image.</summary>
    public int ImageSize => Channels * Height * Width;

    /// <summary>OC·OH·OW: elements of one output image.</summary>
    public int OutImageSize => OutChannels * OutSpatial;

    /// <summary>OC·(C/G)·KH·KW: elements of the weight.</summary>
    public int WeightSize => OutChannels * PatchSize;

    /// <summary>
    /// Each filter reads one input channel of its own (<c>G = C &gt; 1</c>, OC a multiple of C):
    /// a depthwise convolution, computed directly rather than by G one-row matrix products.
    /// </summary>
    public bool IsDepthwise => Groups > 1 && Groups == Channels;

    /// <summary>
    /// Equal strides, equal padding on all four sides and no dilation: the windows of
    /// <see cref="ConvGeometry"/>, whose column-matrix code it then shares.
    /// </summary>
    public bool HasSquareWindows =>
        StrideHeight == StrideWidth && DilationHeight == 1 && DilationWidth == 1 &&
        PadTop == PadLeft && PadTop == PadBottom && PadTop == PadRight;

    /// <summary>The <see cref="ConvGeometry"/> with the same windows over all C channels; only when <see cref="HasSquareWindows"/>.</summary>
    public ConvGeometry SquareWindows => new(Batch, Channels, Height, Width, OutChannels, KernelHeight, KernelWidth, StrideHeight, PadTop);

    /// <summary>
    /// A 1×1 kernel with stride 1 and no padding: the column matrix is the image itself.
    /// </summary>
    public bool IsPointwise => KernelHeight == 1 && KernelWidth == 1 && StrideHeight == 1 && StrideWidth == 1 &&
        PadTop == 0 && PadLeft == 0 && PadBottom == 0 && PadRight == 0;

    /// <summary>
    /// Why these sizes cannot be convolved, or null when they can: every size positive, pads
    /// non-negative, channels divisible by the groups, and a dilated kernel that fits the padded input.
    /// </summary>
    public string? Problem()
    {
        if (Batch < 0 || Channels < 1 || Height < 1 || Width < 1 || OutChannels < 1 || KernelHeight < 1 || KernelWidth < 1)
        {
            return "every size must be positive";
        }

        if (StrideHeight < 1 || StrideWidth < 1 || DilationHeight < 1 || DilationWidth < 1 || Groups < 1)
        {
            return "strides, dilations and groups must be at least 1";
        }

        if (PadTop < 0 || PadLeft < 0 || PadBottom < 0 || PadRight < 0)
        {
            return "pads must not be negative";
        }

        if (Channels % Groups != 0 || OutChannels % Groups != 0)
        {
            return $"{Channels} input and {OutChannels} output channels do not split into {Groups} groups";
        }

        if (Height + PadTop + PadBottom < DilatedKernelHeight || Width + PadLeft + PadRight < DilatedKernelWidth)
        {
            return $"the {DilatedKernelHeight}×{DilatedKernelWidth} dilated kernel is larger than the {Height + PadTop + PadBottom}×{Width + PadLeft + PadRight} padded input";
        }

        return null;
    }
}
