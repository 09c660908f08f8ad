namespace FoolingCluster.Tensors.Ops;

/// <summary>
/// Attributes of 2-D max and average pooling, named as in ONNX <c>MaxPool</c>/<c>AveragePool</c>
/// (<c>kernel_shape</c>, <c>strides</c>, <c>pads</c>, <c>ceil_mode</c>, <c>count_include_pad</c>)
/// and PyTorch <c>nn.MaxPool2d</c>/<c>nn.AvgPool2d</c>. Strides default to 1 as in ONNX
/// (PyTorch's default stride is the kernel size: pass it explicitly).
/// </summary>
/// <param name="KernelHeight">KH, window height, at least 1.</param>
/// <param name="KernelWidth">KW, window width, at least 1.</param>
public sealed record Pool2dOptions(int KernelHeight, int KernelWidth)
{
    /// <summary>sh, step between windows down the image, at least 1.</summary>
    public int StrideHeight { get; init; } = 1;

    /// <summary>sw, step between windows across the image, at least 1.</summary>
    public int StrideWidth { get; init; } = 1;

    /// <summary>Padding around the input, each side in [0, kernel); padding never wins a maximum.</summary>
    public Padding2d Padding { get; init; }

    /// <summary>
    /// Round the output size up (ONNX <c>ceil_mode=1</c>, PyTorch <c>ceil_mode=True</c>), keeping a
    /// last window that starts inside the image or the top/left padding; default rounds down.
    /// </summary>
    public bool CeilMode { get; init; }

    /// <summary>
    /// Average pooling only: divide by the whole window including padded cells (ONNX
    /// <c>count_include_pad=1</c>, PyTorch's default <c>count_include_pad=True</c>) rather than by
    /// the cells inside the image (ONNX's default 0). Cells beyond the padding, which only a
    /// ceil-mode window can reach, are never counted.
    /// </summary>
    public bool CountIncludePad { get; init; }

    /// <summary>A square window with equal strides and symmetric padding, as PyTorch's integer arguments.</summary>
    public static Pool2dOptions Square(int kernel, int stride, int padding = 0) => new(kernel, kernel)
    {
        StrideHeight = stride,
        StrideWidth = stride,
        Padding = Padding2d.Uniform(padding),
    };
}
