using FoolingCluster.Tensors;
using FoolingCluster.Tensors.Ops;

namespace FoolingCluster.Models.Import.Onnx.Ops;

/// <summary>
/// ONNX <c>Clip</c> (opset 11–22) as <see cref="Functional.Clip"/>: bounds from the optional
/// constant inputs <c>min</c> and <c>max</c>, either omitted for none; MobileNetV2's ReLU6 is
/// <c>Clip(x, 0, 6)</c>. Bounds computed at run time are refused.
/// </summary>
internal sealed class ClipOp : IOnnxOp
{
    /// <inheritdoc/>
    public IReadOnlyList<string> OpTypes { get; } = ["Clip"];

    /// <inheritdoc/>
    public void Convert(OnnxNode node, OnnxGraphBuilder graph)
    {
        node.AllowOnly();
        node.RequireInputs(1, 3);
        float? min = Bound(node, graph, 1, "min");
        float? max = Bound(node, graph, 2, "max");
        graph.AddStep(node, [node.Input(0)], t => Functional.Clip(t[0]!, min, max));
    }

    private static float? Bound(OnnxNode node, OnnxGraphBuilder graph, int index, string name)
    {
        string? input = node.Input(index);
        if (input is null)
        {
            return null;
        }

        Tensor bound = graph.FloatConstant(input) ?? throw node.Unsupported($"a {name} '{input}' computed at run time");
        return bound.Size == 1 ? bound[0] : throw node.Invalid($"has a {name} of {bound.Size} elements; it takes a scalar");
    }
}
