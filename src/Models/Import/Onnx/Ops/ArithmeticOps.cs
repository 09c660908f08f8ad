using FoolingCluster.Tensors;
using FoolingCluster.Tensors.Ops;

namespace FoolingCluster.Models.Import.Onnx.Ops;

/// <summary>
/// ONNX <c>Add</c>, <c>Sub</c>, <c>Mul</c> and <c>Div</c> (opset 7–22) on float tensors, with
/// NumPy broadcasting (<see cref="Functional.AddBroadcast"/> and its siblings). An <c>Add</c> carries
/// an <see cref="AddTag"/>, so that a ReLU that is its only reader can fuse with it.
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
        string? left = node.Input(0), right = node.Input(1);
        graph.AddStep(node, [left, right], t => op(t[0]!, t[1]!), node.OpType == "Add" ? new AddTag(left, right) : null);
    }
}
