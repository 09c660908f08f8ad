using FoolingCluster.Tensors;
using FoolingCluster.Tensors.Ops;

namespace FoolingCluster.Models.Import.Onnx.Ops;

/// <summary>
/// ONNX <c>Relu</c>, <c>Sigmoid</c> and <c>Tanh</c> (opset 6–22), element-wise. A ReLU that is the
/// only reader of a convolution with constant weights (a BatchNormalization folded into it or not)
/// is fused with it (<see cref="Functional.Conv2dRelu"/>), as ResNet and VGG follow theirs; one that
/// is the only reader of an <c>Add</c> is fused with that (<see cref="Functional.AddRelu"/>), as
/// ResNet's residual blocks end.
/// </summary>
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
        string? x = node.Input(0);
        if (node.OpType == "Relu" && x is not null && graph.StepTag(x) is ConvTag conv && graph.Consumers(x) == 1)
        {
            // The convolution applies the ReLU to its outputs as it writes them.
            conv.Fuse(graph, x, node, conv.RunRelu);
            return;
        }

        if (node.OpType == "Relu" && x is not null && graph.StepTag(x) is AddTag add && graph.Consumers(x) == 1)
        {
            graph.ReplaceStep(x, node, [add.Left, add.Right], t => Functional.AddRelu(t[0]!, t[1]!));
            return;
        }

        Func<Tensor, Tensor> op = s_ops[node.OpType];
        graph.AddStep(node, [x], t => op(t[0]!));
    }
}
