using FoolingCluster.Tensors.Ops;

namespace FoolingCluster.Models.Import.Onnx.Ops;

/// <summary>
/// ONNX <c>MatMul</c> (opset 1–22) of two matrices, as <see cref="Functional.MatMul"/>; the
/// batched and vector forms NumPy's matmul also defines are refused when the graph is checked.
/// </summary>
internal sealed class MatMulOp : IOnnxOp
{
    /// <inheritdoc/>
    public IReadOnlyList<string> OpTypes { get; } = ["MatMul"];

    /// <inheritdoc/>
    public void Convert(OnnxNode node, OnnxGraphBuilder graph)
    {
        node.AllowOnly();
        node.RequireInputs(2, 2);
        graph.AddStep(node, [node.Input(0), node.Input(1)], t => Functional.MatMul(t[0]!, t[1]!));
    }
}
