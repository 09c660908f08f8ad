using FoolingCluster.Tensors.Ops;

namespace FoolingCluster.Models.Import.Onnx.Ops;

/// <summary>ONNX <c>LeakyRelu</c> (opset 6–22) as <see cref="Functional.LeakyRelu"/>, <c>alpha</c> defaulting to 0.01.</summary>
internal sealed class LeakyReluOp : IOnnxOp
{
    /// <inheritdoc/>
    public IReadOnlyList<string> OpTypes { get; } = ["LeakyRelu"];

    /// <inheritdoc/>
    public void Convert(OnnxNode node, OnnxGraphBuilder graph)
    {
        node.AllowOnly("alpha");
        node.RequireInputs(1, 1);
        float alpha = node.Float("alpha", 0.01f);
        graph.AddStep(node, [node.Input(0)], t => Functional.LeakyRelu(t[0]!, alpha));
    }
}
