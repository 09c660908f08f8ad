using FoolingCluster.Tensors;
using FoolingCluster.Tensors.Ops;

namespace FoolingCluster.Models.Import.Onnx.Ops;

/// <summary>
/// ONNX <c>Concat</c> (opset 4–22) along <c>axis</c>: float data as <see cref="Functional.Concat"/>
/// (SqueezeNet's fire modules join their branches on channels), and 1-D shapes known at load
/// folded at load (PyTorch's <c>[x.size(0), -1]</c>).
/// </summary>
internal sealed class ConcatOp : IOnnxOp
{
    /// <inheritdoc/>
    public IReadOnlyList<string> OpTypes { get; } = ["Concat"];

    /// <inheritdoc/>
    public void Convert(OnnxNode node, OnnxGraphBuilder graph)
    {
        node.AllowOnly("axis");
        if (node.Inputs.Count == 0 || node.Inputs.Any(i => i.Length == 0))
        {
            throw node.Invalid("needs at least one input and no omitted ones");
        }

        long axis = node.Int("axis", long.MinValue);
        if (axis == long.MinValue)
        {
            throw node.Invalid("has no axis");
        }

        OnnxInt64Value?[] shapes = [.. node.Inputs.Select(graph.Int64Value)];
        if (shapes.All(s => s is not null))
        {
            Fold(node, graph, shapes!, axis);
            return;
        }

        int at = checked((int)axis);
        graph.AddStep(node, [.. node.Inputs], t => Functional.Concat([.. t.Select(x => x!)], at));
    }

    private static void Fold(OnnxNode node, OnnxGraphBuilder graph, OnnxInt64Value[] shapes, long axis)
    {
        if ((axis != 0 && axis != -1) || shapes.Any(s => s.Dims.Length != 1))
        {
            throw node.Unsupported($"joining int64 values of rank other than 1 (axis {axis})");
        }

        long[] values = [.. shapes.SelectMany(s => s.Values)];
        bool[] perBatch = [.. shapes.SelectMany(s => s.Values.Select((_, i) => s.IsPerBatch(i)))];
        graph.AddInt64Value(node.Outputs[0], new OnnxInt64Value(values, [values.Length], perBatch));
    }
}
