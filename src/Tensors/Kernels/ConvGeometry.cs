namespace FoolingCluster.Tensors.Kernels;

/// <summary>
/// Sizes of a 2-D convolution of a batch <c>[N,C,H,W]</c> with a weight
/// <c>[OC,C,KH,KW]</c> (square stride and zero padding), giving <c>[N,OC,OH,OW]</c>.
/// </summary>
/// <param name="Batch">N, images in the batch.</param>
/// <param name="Channels">C, input channels.</param>
/// <param name="Height">H, input height.</param>
/// <param name="Width">W, input width.</param>
/// <param name="OutChannels">OC, output channels (filters).</param>
/// <param name="KernelHeight">KH.</param>
/// <param name="KernelWidth">KW.</param>
/// <param name="Stride">Step between neighbouring windows, both directions.</param>
/// <param name="Padding">Zeros added on every side of the input.</param>
public readonly record struct ConvGeometry(
    int Batch, int Channels, int Height, int Width,
    int OutChannels, int KernelHeight, int KernelWidth,
    int Stride, int Padding)
{
    /// <summary>OH = (H + 2p − KH) / s + 1.</summary>
    public int OutHeight => ((Height + (2 * Padding) - KernelHeight) / Stride) + 1;

    /// <summary>OW = (W + 2p − KW) / s + 1.</summary>
    public int OutWidth => ((Width + (2 * Padding) - KernelWidth) / Stride) + 1;

    /// <summary>C·KH·KW: rows of an image's column matrix, columns of the weight matrix.</summary>
    public int PatchSize => Channels * KernelHeight * KernelWidth;

    /// <summary>OH·OW: columns of an image's column matrix.</summary>
    public int OutSpatial => OutHeight * OutWidth;

    /// <summary>C·H·W: elements of one input image.</summary>
    public int ImageSize => Channels * Height * Width;

    /// <summary>OC·OH·OW: elements of one output image.</summary>
    public int OutImageSize => OutChannels * OutSpatial;

    /// <summary>OC·C·KH·KW: elements of the weight.</summary>
    public int WeightSize => OutChannels * PatchSize;

    /// <summary>
    /// A 1×1 kernel with stride 1 and no padding: the column matrix is the image itself
    /// (<c>[C, H·W]</c>), so im2col and col2im are skipped.
    /// </summary>
    public bool IsPointwise => KernelHeight == 1 && KernelWidth == 1 && Stride == 1 && Padding == 0;
}
