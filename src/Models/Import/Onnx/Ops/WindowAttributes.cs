using FoolingCluster.Tensors.Ops;

namespace FoolingCluster.Models.Import.Onnx.Ops;

/// <summary>
/// The window attributes Conv, MaxPool and AveragePool share (<c>strides</c>, <c>dilations</c>,
/// <c>pads</c>, <c>auto_pad</c>), checked at load and reduced to what the engine's 2-D ops take.
/// </summary>
internal sealed class WindowAttributes
{
    private readonly string _autoPad;
    private readonly Padding2d _pads;

    /// <exception cref="OnnxFormatException">A list of the wrong length, a value below its minimum, or an unknown auto_pad.</exception>
    public WindowAttributes(OnnxNode node)
    {
        (StrideHeight, StrideWidth) = Pair(node, "strides", 1);
        (DilationHeight, DilationWidth) = Pair(node, "dilations", 1);
        _autoPad = node.String("auto_pad", "NOTSET");
        if (_autoPad is not ("NOTSET" or "VALID" or "SAME_UPPER" or "SAME_LOWER"))
        {
            throw node.Unsupported($"auto_pad {_autoPad}");
        }

        long[] pads = node.Ints("pads") ?? [0, 0, 0, 0];
        if (pads.Length != 4)
        {
            throw node.Invalid($"has pads {OnnxNode.List(pads)}; a 2-D window takes four");
        }

        if (pads.Any(p => p < 0 || p > int.MaxValue))
        {
            throw node.Unsupported($"pads {OnnxNode.List(pads)} (negative pads crop)");
        }

        if (_autoPad != "NOTSET" && pads.Any(p => p != 0))
        {
            throw node.Invalid($"has auto_pad {_autoPad} together with pads {OnnxNode.List(pads)}");
        }

        _pads = Padding2d.FromOnnx(pads);
    }

    /// <summary>sh, at least 1.</summary>
    public int StrideHeight { get; }

    /// <summary>sw, at least 1.</summary>
    public int StrideWidth { get; }

    /// <summary>dh, at least 1.</summary>
    public int DilationHeight { get; }

    /// <summary>dw, at least 1.</summary>
    public int DilationWidth { get; }

    /// <summary>Whether the padding depends on the input size (SAME_UPPER or SAME_LOWER).</summary>
    public bool PadsFromInput => _autoPad.StartsWith("SAME", StringComparison.Ordinal);

    /// <summary>The explicit pads, or those auto_pad gives an <c>h×w</c> input under a <c>kh×kw</c> kernel.</summary>
    /// <remarks>
    /// SAME_* pads so that the output is ⌈input / stride⌉: the total is
    /// <c>max(0, (⌈i/s⌉ − 1)·s + (k − 1)·d + 1 − i)</c>, split evenly with the odd one at the end
    /// (SAME_UPPER) or at the beginning (SAME_LOWER), as ONNX Runtime does.
    /// </remarks>
    public Padding2d Padding(int h, int w, int kh, int kw)
    {
        if (!PadsFromInput)
        {
            return _pads;
        }

        (int top, int bottom) = Same(h, kh, StrideHeight, DilationHeight);
        (int left, int right) = Same(w, kw, StrideWidth, DilationWidth);
        return new Padding2d(top, left, bottom, right);
    }

    private (int Begin, int End) Same(int size, int kernel, int stride, int dilation)
    {
        int output = (size + stride - 1) / stride;
        int total = Math.Max(0, ((output - 1) * stride) + ((kernel - 1) * dilation) + 1 - size);
        int small = total / 2;
        return _autoPad == "SAME_UPPER" ? (small, total - small) : (total - small, small);
    }

    private static (int, int) Pair(OnnxNode node, string name, int fallback)
    {
        long[] values = node.Ints(name) ?? [fallback, fallback];
        if (values.Length != 2)
        {
            throw node.Invalid($"has {name} {OnnxNode.List(values)}; a 2-D window takes two");
        }

        if (values.Any(v => v < 1 || v > int.MaxValue))
        {
            throw node.Invalid($"has {name} {OnnxNode.List(values)}; each must be at least 1");
        }

        return ((int)values[0], (int)values[1]);
    }
}
