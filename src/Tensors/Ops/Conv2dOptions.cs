namespace FoolingCluster.Tensors.Ops;

/// <summary>
/// Attributes of a general 2-D convolution, named as in ONNX <c>Conv</c> (<c>strides</c>,
/// <c>pads</c>, <c>dilations</c>, <c>group</c>) and PyTorch <c>nn.Conv2d</c>. The defaults are
/// ONNX's: stride 1, no padding, no dilation, one group.
/// </summary>
public sealed record Conv2dOptions
{
    /// <summary>sh, step between windows down the image, at least 1.</summary>
    public int StrideHeight { get; init; } = 1;

    /// <summary>sw, step between windows across the image, at least 1.</summary>
    public int StrideWidth { get; init; } = 1;

    /// <summary>Zeros around the input, each side at least 0 (ONNX <c>pads</c>).</summary>
    public Padding2d Padding { get; init; }

    /// <summary>dh, spacing between kernel rows, at least 1 (1 is an ordinary kernel).</summary>
    public int DilationHeight { get; init; } = 1;

    /// <summary>dw, spacing between kernel columns, at least 1.</summary>
    public int DilationWidth { get; init; } = 1;

    /// <summary>G, channel groups, at least 1, dividing both C and OC; G = C = OC is depthwise.</summary>
    public int Groups { get; init; } = 1;

    /// <summary>Square stride and symmetric padding, as in PyTorch's <c>stride=s, padding=p</c>.</summary>
    public static Conv2dOptions Square(int stride, int padding) => new()
    {
        StrideHeight = stride,
        StrideWidth = stride,
        Padding = Padding2d.Uniform(padding),
    };
}
