using FoolingCluster.Tensors;
using FoolingCluster.Tensors.Ops;

namespace FoolingCluster.Models.Import.Onnx.Ops;

/// <summary>
/// ONNX <c>Add</c>, <c>Sub</c>, <c>Mul</c> and <c>Div</c> (opset 7–22) on float tensors, with
/// NumPy broadcasting (<see cref="Functional.AddBroadcast"/> and its siblings).
/// </summary>
internal sealed class ArithmeticOps : IOnnxOp
{
    private static readonly Dictionary<string, Func<Tensor, Tensor, Tensor>> s_ops = new(StringComparer.Ordinal)
    {
        ["Add"] = Functional.AddBroadcast,
        ["Sub"] = Functional.SubBroadcast,
        ["Mul"] = Functional.MulBroadcast,
        ["Div"] = Functional.DivBroadcast,
    };

    /// <inheritdoc/>
    public IReadOnlyList<string> OpTypes { get; } = [.. s_ops.Keys];

    /// <inheritdoc/>
    public void Convert(OnnxNode node, OnnxGraphBuilder graph)
    {
        // Opsets before 7 had explicit broadcast/axis attributes; AllowOnly refuses them.
        node.AllowOnly();
        node.RequireInputs(2, 2);
        Func<Tensor, Tensor, Tensor> op = s_ops[node.OpType];
        graph.AddStep(node, [node.Input(0), node.Input(1)], t => op(t[0]!, t[1]!));
    }
}
