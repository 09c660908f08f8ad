using FoolingCluster.Tensors.Ops;

namespace FoolingCluster.Models.Import.Onnx.Ops;

/// <summary>
/// ONNX <c>AveragePool</c> (opset 1–22) in 2-D as <see cref="Functional.AveragePool2d"/>: any
/// kernel, strides, pads, auto_pad, ceil_mode and count_include_pad (PyTorch's
/// <c>nn.AvgPool2d</c> exports count_include_pad 1 by default).
/// </summary>
internal sealed class AveragePoolOp : IOnnxOp
{
    /// <inheritdoc/>
    public IReadOnlyList<string> OpTypes { get; } = ["AveragePool"];

    /// <inheritdoc/>
    public void Convert(OnnxNode node, OnnxGraphBuilder graph)
    {
        node.AllowOnly("auto_pad", "ceil_mode", "count_include_pad", "dilations", "kernel_shape", "pads", "strides");
        node.RequireInputs(1, 1);
        var pool = new PoolAttributes(node);
        graph.AddStep(node, [node.Input(0)], t => Functional.AveragePool2d(t[0]!, pool.For(t[0]!)));
    }
}
