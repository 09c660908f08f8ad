namespace FoolingCluster.Models.Import.Onnx.Ops;

/// <summary>The window attributes Conv and MaxPool share, reduced to what the engine's 2-D kernels take.</summary>
internal static class ConvAttributes
{
    /// <summary>
    /// One padding for all four sides: <c>pads</c> is <c>[top,left,bottom,right]</c> and must be
    /// uniform; <c>auto_pad</c> must be NOTSET or VALID (no padding).
    /// </summary>
    /// <exception cref="OnnxFormatException">Uneven pads or a SAME_* auto_pad.</exception>
    public static int SymmetricPadding(OnnxNode node)
    {
        string autoPad = node.String("auto_pad", "NOTSET");
        if (autoPad is not "NOTSET" and not "VALID")
        {
            throw node.Unsupported($"auto_pad {autoPad}", "export with explicit pads");
        }

        long[] pads = node.Ints("pads") ?? [0, 0, 0, 0];
        if (pads.Length != 4)
        {
            throw node.Invalid($"has pads {OnnxNode.List(pads)}; a 2-D window takes four");
        }

        if (pads.Any(p => p != pads[0]) || pads[0] < 0)
        {
            throw node.Unsupported($"pads {OnnxNode.List(pads)} (the engine pads every side alike)");
        }

        if (autoPad == "VALID" && pads[0] != 0)
        {
            throw node.Invalid($"has auto_pad VALID together with pads {OnnxNode.List(pads)}");
        }

        return checked((int)pads[0]);
    }

    /// <summary>One stride for both axes, from <c>strides</c> (default 1).</summary>
    /// <exception cref="OnnxFormatException">Different strides per axis, or a stride below 1.</exception>
    public static int SquareStride(OnnxNode node)
    {
        long[] strides = node.Ints("strides") ?? [1, 1];
        if (strides.Length != 2)
        {
            throw node.Invalid($"has strides {OnnxNode.List(strides)}; a 2-D window takes two");
        }

        if (strides[0] != strides[1] || strides[0] < 1)
        {
            throw node.Unsupported($"strides {OnnxNode.List(strides)} (the engine steps both axes alike)");
        }

        return checked((int)strides[0]);
    }
}
