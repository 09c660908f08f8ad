using FoolingCluster.Tensors;
using FoolingCluster.Tensors.Ops;

namespace FoolingCluster.Models.Import.Onnx.Ops;

/// <summary>
/// ONNX <c>Conv</c> (opset 1–22) in 2-D as <see cref="Functional.Conv2d(Tensor, Tensor, Tensor?, Conv2dOptions)"/>:
/// any strides, pads (asymmetric too), dilations and groups (depthwise included), with
/// <c>auto_pad</c> VALID, SAME_UPPER and SAME_LOWER turned into explicit pads from the input's size.
/// A convolution with constant weights is tagged so that a BatchNormalization reading only its
/// output can fold into it (<see cref="BatchNormalizationOp"/>), and a ReLU or 2×2 max pooling
/// after it (or after the folded BatchNormalization) fuse with it. Each node keeps its weight packed
/// for the GEMM between runs (<see cref="ConvWeightCache"/>).
/// </summary>
internal sealed class ConvOp : IOnnxOp
{
    /// <inheritdoc/>
    public IReadOnlyList<string> OpTypes { get; } = ["Conv"];

    /// <inheritdoc/>
    public void Convert(OnnxNode node, OnnxGraphBuilder graph)
    {
        node.AllowOnly("auto_pad", "dilations", "group", "kernel_shape", "pads", "strides");
        node.RequireInputs(2, 3);
        Tensor? weight = graph.FloatConstant(node.Input(1));
        long[]? kernel = node.Ints("kernel_shape");
        int spatial = kernel?.Length ?? (weight is null ? 2 : weight.Rank - 2);
        if (spatial != 2)
        {
            throw node.Unsupported($"a {spatial}-D convolution");
        }

        if (kernel is not null && weight is not null && weight.Rank == 4 && (kernel[0] != weight.Dim(2) || kernel[1] != weight.Dim(3)))
        {
            throw node.Invalid($"has kernel_shape {OnnxNode.List(kernel)} but its weight has shape {Tensor.ShapeString(weight.Shape)}");
        }

        long group = node.Int("group", 1);
        if (group < 1 || group > int.MaxValue)
        {
            throw node.Invalid($"has group {group}");
        }

        var window = new WindowAttributes(node);
        int groups = (int)group;

        // A constant weight (folded with a BatchNormalization or not) is packed for the GEMM on the
        // first run and reused until it changes; one computed at run time is new on every run.
        ConvWeightCache? packed = weight is null ? null : new ConvWeightCache();
        Tensor Run(Tensor x, Tensor w, Tensor? b) => Functional.Conv2d(x, w, b, Options(x, w), packed);
        Tensor RunPooled(Tensor x, Tensor w, Tensor? b) => Functional.Conv2dMaxPool2x2(x, w, b, Options(x, w), packed);
        Tensor RunRelu(Tensor x, Tensor w, Tensor? b) => Functional.Conv2dRelu(x, w, b, Options(x, w), packed);
        Conv2dOptions Options(Tensor x, Tensor w) => new()
        {
            StrideHeight = window.StrideHeight,
            StrideWidth = window.StrideWidth,
            DilationHeight = window.DilationHeight,
            DilationWidth = window.DilationWidth,
            Groups = groups,
            Padding = x.Rank == 4 && w.Rank == 4 ? window.Padding(x.Dim(2), x.Dim(3), w.Dim(2), w.Dim(3)) : default,
        };

        Tensor? bias = graph.FloatConstant(node.Input(2));
        bool foldable = weight is not null && (node.Input(2) is null || bias is not null);
        ConvTag? tag = foldable ? new ConvTag(node.Input(0)!, weight!, bias, Run, RunPooled, RunRelu) : null;
        string?[] inputs = [node.Input(0), node.Input(1), node.Input(2)];
        graph.AddStep(node, inputs, t => Run(t[0]!, t[1]!, t[2]), tag);
    }
}
