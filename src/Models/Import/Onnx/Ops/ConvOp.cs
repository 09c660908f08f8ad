using FoolingCluster.Tensors;
using FoolingCluster.Tensors.Ops;

namespace FoolingCluster.Models.Import.Onnx.Ops;

/// <summary>
/// ONNX <c>Conv</c> (opset 1–22) as <see cref="Functional.Conv2d(Tensor, Tensor, Tensor?, int, int)"/>: 2-D, one group, no dilation,
/// the same stride on both axes and the same zero padding on all four sides, which is what the
/// engine's convolution computes.
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
        if (group != 1)
        {
            throw node.Unsupported($"group {group}");
        }

        long[] dilations = node.Ints("dilations") ?? [1, 1];
        if (dilations.Any(d => d != 1))
        {
            throw node.Unsupported($"dilations {OnnxNode.List(dilations)}");
        }

        int padding = ConvAttributes.SymmetricPadding(node);
        int stride = ConvAttributes.SquareStride(node);
        string?[] inputs = [node.Input(0), node.Input(1), node.Input(2)];
        graph.AddStep(node, inputs, t => Functional.Conv2d(t[0]!, t[1]!, t[2], stride, padding));
    }
}
