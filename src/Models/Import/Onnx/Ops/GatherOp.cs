namespace FoolingCluster.Models.Import.Onnx.Ops;

/// <summary>
/// ONNX <c>Gather</c> (opset 1–22) of a shape known at load, folded at load: the elements of a
/// 1-D int64 value at constant indices, as PyTorch's <c>x.size(0)</c> exports. Gathering
/// run-time float data (an embedding lookup) is refused.
/// </summary>
internal sealed class GatherOp : IOnnxOp
{
    /// <inheritdoc/>
    public IReadOnlyList<string> OpTypes { get; } = ["Gather"];

    /// <inheritdoc/>
    public void Convert(OnnxNode node, OnnxGraphBuilder graph)
    {
        node.AllowOnly("axis");
        node.RequireInputs(2, 2);
        OnnxInt64Value data = graph.Int64Value(node.Input(0))
            ?? throw node.Unsupported($"gathering from '{node.Input(0)}', which is not a shape known at load");
        long[] indices = graph.Int64Constant(node.Input(1))
            ?? throw node.Unsupported($"indices '{node.Input(1)}' that are not constant");
        int[] indexDims = graph.Int64ConstantDims(node.Input(1))!;
        long axis = node.Int("axis", 0);
        if (data.Dims.Length != 1 || (axis != 0 && axis != -1) || indexDims.Length > 1)
        {
            throw node.Unsupported($"axis {axis} of a value of rank {data.Dims.Length} with indices of rank {indexDims.Length} (only 1-D shapes are folded)");
        }

        int length = data.Values.Length;
        long[] values = new long[indices.Length];
        bool[] perBatch = new bool[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            long at = indices[i] < 0 ? indices[i] + length : indices[i];
            if (at < 0 || at >= length)
            {
                throw node.Invalid($"has index {indices[i]} outside a shape of {length} elements");
            }

            values[i] = data.Values[at];
            perBatch[i] = data.IsPerBatch((int)at);
        }

        graph.AddInt64Value(node.Outputs[0], new OnnxInt64Value(values, indexDims, perBatch));
    }
}
