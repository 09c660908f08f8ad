using FoolingCluster.Tensors.Ops;

namespace FoolingCluster.Models.Import.Onnx.Ops;

/// <summary>ONNX <c>GlobalAveragePool</c> (opset 1–22) of <c>[N,C,H,W]</c> as <see cref="Functional.GlobalAveragePool"/>, giving <c>[N,C,1,1]</c>.</summary>
internal sealed class GlobalAveragePoolOp : IOnnxOp
{
    /// <inheritdoc/>
    public IReadOnlyList<string> OpTypes { get; } = ["GlobalAveragePool"];

    /// <inheritdoc/>
    public void Convert(OnnxNode node, OnnxGraphBuilder graph)
    {
        node.AllowOnly();
        node.RequireInputs(1, 1);
        graph.AddStep(node, [node.Input(0)], t => Functional.GlobalAveragePool(t[0]!));
    }
}
