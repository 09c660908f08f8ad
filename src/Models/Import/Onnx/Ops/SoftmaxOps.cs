using FoolingCluster.Tensors;
using FoolingCluster.Tensors.Ops;

namespace FoolingCluster.Models.Import.Onnx.Ops;

/// <summary>
/// ONNX <c>Softmax</c> and <c>LogSoftmax</c> (opset 1–22) over the class axis of <c>[N,K]</c>
/// scores. Before opset 13 the axis defaulted to 1 and the input was coerced to a matrix; from
/// 13 it defaults to −1. On a matrix both mean the last axis, the only one the engine normalises.
/// </summary>
internal sealed class SoftmaxOps : IOnnxOp
{
    private static readonly Dictionary<string, Func<Tensor, Tensor>> s_ops = new(StringComparer.Ordinal)
    {
        ["Softmax"] = Functional.Softmax,
        ["LogSoftmax"] = Functional.LogSoftmax,
    };

    /// <inheritdoc/>
    public IReadOnlyList<string> OpTypes { get; } = [.. s_ops.Keys];

    /// <inheritdoc/>
    public void Convert(OnnxNode node, OnnxGraphBuilder graph)
    {
        node.AllowOnly("axis");
        node.RequireInputs(1, 1);
        long axis = node.Int("axis", graph.Opset < 13 ? 1 : -1);
        if (axis is not 1 and not -1)
        {
            throw node.Unsupported($"axis {axis} (the engine normalises the last axis of [N,K] scores)");
        }

        Func<Tensor, Tensor> op = s_ops[node.OpType];
        graph.AddStep(node, [node.Input(0)], t => op(t[0]!));
    }
}
