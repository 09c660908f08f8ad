using FoolingCluster.Tensors;
using FoolingCluster.Tensors.Ops;

namespace FoolingCluster.Models.Import.Onnx.Ops;

/// <summary>ONNX <c>Relu</c>, <c>Sigmoid</c> and <c>Tanh</c> (opset 6–22), element-wise.</summary>
internal sealed class ActivationOps : IOnnxOp
{
    private static readonly Dictionary<string, Func<Tensor, Tensor>> s_ops = new(StringComparer.Ordinal)
    {
        ["Relu"] = Functional.Relu,
        ["Sigmoid"] = Functional.Sigmoid,
        ["Tanh"] = Functional.Tanh,
    };

    /// <inheritdoc/>
    public IReadOnlyList<string> OpTypes { get; } = [.. s_ops.Keys];

    /// <inheritdoc/>
    public void Convert(OnnxNode node, OnnxGraphBuilder graph)
    {
        node.AllowOnly();
        node.RequireInputs(1, 1);
        Func<Tensor, Tensor> op = s_ops[node.OpType];
        graph.AddStep(node, [node.Input(0)], t => op(t[0]!));
    }
}
