using FoolingCluster.Tensors.Ops;

namespace FoolingCluster.Models.Import.Onnx.Ops;

/// <summary>
/// ONNX <c>MaxPool</c> (opset 1–22) as <see cref="Functional.MaxPool2d(FoolingCluster.Tensors.Tensor, int, int)"/>: a square 2-D window,
/// the same stride on both axes, no padding, no dilation and floor rounding.
/// </summary>
internal sealed class MaxPoolOp : IOnnxOp
{
    /// <inheritdoc/>
    public IReadOnlyList<string> OpTypes { get; } = ["MaxPool"];

    /// <inheritdoc/>
    public void Convert(OnnxNode node, OnnxGraphBuilder graph)
    {
        node.AllowOnly("auto_pad", "ceil_mode", "dilations", "kernel_shape", "pads", "storage_order", "strides");
        node.RequireInputs(1, 1);
        if (node.Outputs.Count > 1 && node.Outputs[1].Length > 0)
        {
            throw node.Unsupported("the Indices output");
        }

        long[] kernel = node.Ints("kernel_shape") ?? throw node.Invalid("has no kernel_shape");
        if (kernel.Length != 2)
        {
            throw node.Unsupported($"a {kernel.Length}-D pooling window");
        }

        if (kernel[0] != kernel[1] || kernel[0] < 1)
        {
            throw node.Unsupported($"kernel_shape {OnnxNode.List(kernel)} (the engine pools square windows)");
        }

        if (node.Int("ceil_mode", 0) != 0)
        {
            throw node.Unsupported("ceil_mode 1");
        }

        long[] dilations = node.Ints("dilations") ?? [1, 1];
        if (dilations.Any(d => d != 1))
        {
            throw node.Unsupported($"dilations {OnnxNode.List(dilations)}");
        }

        // storage_order only lays out the Indices output, which is refused above.
        if (ConvAttributes.SymmetricPadding(node) != 0)
        {
            throw node.Unsupported($"pads {OnnxNode.List(node.Ints("pads")!)} (the engine's max-pooling does not pad)");
        }

        int size = checked((int)kernel[0]);
        int stride = node.Has("strides") ? ConvAttributes.SquareStride(node) : 1;
        graph.AddStep(node, [node.Input(0)], t => Functional.MaxPool2d(t[0]!, size, stride));
    }
}
