using FoolingCluster.Tensors;
using FoolingCluster.Tensors.Ops;

namespace FoolingCluster.Models.Import.Onnx.Ops;

/// <summary>
/// MaxPool's and AveragePool's attributes (<c>kernel_shape</c>, <c>strides</c>, <c>pads</c>,
/// <c>auto_pad</c>, <c>ceil_mode</c>, and AveragePool's <c>count_include_pad</c>) as the engine's
/// <see cref="Pool2dOptions"/>, resolved for each input size when auto_pad is SAME_*.
/// </summary>
internal sealed class PoolAttributes
{
    private readonly WindowAttributes _window;
    private readonly Pool2dOptions _options;

    /// <exception cref="OnnxFormatException">A missing or non-2-D kernel, a dilation, or pads the engine cannot pool.</exception>
    public PoolAttributes(OnnxNode node)
    {
        long[] kernel = node.Ints("kernel_shape") ?? throw node.Invalid("has no kernel_shape");
        if (kernel.Length != 2)
        {
            throw node.Unsupported($"a {kernel.Length}-D pooling window");
        }

        if (kernel.Any(k => k < 1 || k > int.MaxValue))
        {
            throw node.Invalid($"has kernel_shape {OnnxNode.List(kernel)}");
        }

        _window = new WindowAttributes(node);
        if (_window.DilationHeight != 1 || _window.DilationWidth != 1)
        {
            throw node.Unsupported($"dilations {OnnxNode.List(node.Ints("dilations")!)}");
        }

        long ceil = node.Int("ceil_mode", 0);
        long includePad = node.Int("count_include_pad", 0);
        if (ceil is not (0 or 1) || includePad is not (0 or 1))
        {
            throw node.Invalid($"has ceil_mode {ceil} and count_include_pad {includePad}; each must be 0 or 1");
        }

        _options = new Pool2dOptions((int)kernel[0], (int)kernel[1])
        {
            StrideHeight = _window.StrideHeight,
            StrideWidth = _window.StrideWidth,
            Padding = _window.Padding(0, 0, 0, 0),
            CeilMode = ceil == 1,
            CountIncludePad = includePad == 1,
        };
        Padding2d p = _options.Padding;
        if (!_window.PadsFromInput && (p.Top >= kernel[0] || p.Bottom >= kernel[0] || p.Left >= kernel[1] || p.Right >= kernel[1]))
        {
            throw node.Invalid($"has pads {OnnxNode.List(node.Ints("pads")!)} not smaller than its kernel {OnnxNode.List(kernel)}");
        }
    }

    /// <summary>Whether the window is 2×2 at stride 2 with no padding and incomplete windows dropped, whatever the input's size.</summary>
    public bool IsTwoByTwo => !_window.PadsFromInput && _options is { KernelHeight: 2, KernelWidth: 2, StrideHeight: 2, StrideWidth: 2, CeilMode: false } && _options.Padding == default;

    /// <summary>The options for input <paramref name="x"/> <c>[N,C,H,W]</c>.</summary>
    public Pool2dOptions For(Tensor x) => !_window.PadsFromInput || x.Rank != 4
        ? _options
        : _options with { Padding = _window.Padding(x.Dim(2), x.Dim(3), _options.KernelHeight, _options.KernelWidth) };
}
