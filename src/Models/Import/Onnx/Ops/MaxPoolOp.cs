using FoolingCluster.Tensors.Ops;

namespace FoolingCluster.Models.Import.Onnx.Ops;

/// <summary>
/// ONNX <c>MaxPool</c> (opset 1–22) in 2-D as <see cref="Functional.MaxPool2d(FoolingCluster.Tensors.Tensor, Pool2dOptions)"/>:
/// any kernel, strides, pads, auto_pad and ceil_mode; dilations and the Indices output are refused.
/// A 2×2 pooling at stride 2 that is the only reader of a convolution with constant weights is
/// fused with it (<see cref="Functional.Conv2dMaxPool2x2"/>), as LeNet and VGG pool their
/// convolutions: the convolution's output is then never written whole.
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

        // storage_order only lays out the Indices output, which is refused above.
        var pool = new PoolAttributes(node);
        string x = node.Input(0)!;
        if (pool.IsTwoByTwo && graph.StepTag(x) is ConvTag conv && graph.Consumers(x) == 1)
        {
            conv.Fuse(graph, x, node, conv.RunPooled);
            return;
        }

        graph.AddStep(node, [x], t => Functional.MaxPool2d(t[0]!, pool.For(t[0]!)));
    }
}
