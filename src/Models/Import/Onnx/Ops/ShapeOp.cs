using FoolingCluster.Tensors;

namespace FoolingCluster.Models.Import.Onnx.Ops;

/// <summary>
/// ONNX <c>Shape</c> (opset 1–22, with opset 15's <c>start</c>/<c>end</c>), folded at load: the
/// value's shape is measured on zero images of batch 1 and batch 2, and a dimension that
/// doubles is kept as a multiple of the batch N, so <c>x.size(0)</c> stays N at run time.
/// </summary>
internal sealed class ShapeOp : IOnnxOp
{
    /// <inheritdoc/>
    public IReadOnlyList<string> OpTypes { get; } = ["Shape"];

    /// <inheritdoc/>
    public void Convert(OnnxNode node, OnnxGraphBuilder graph)
    {
        node.AllowOnly("start", "end");
        node.RequireInputs(1, 1);
        string input = node.Input(0)!;
        (int[] one, int[] two) = graph.ProbeShapes(node, input);
        int rank = one.Length;
        long start = Clamp(node.Int("start", 0), rank);
        long end = Clamp(node.Int("end", rank), rank);
        var values = new List<long>();
        var perBatch = new List<bool>();
        for (long i = start; i < end; i++)
        {
            int a = one[i], b = two[i];
            if (a != b && b != 2 * a)
            {
                throw node.Unsupported($"the shape of '{input}', whose dimension {i} is {a} at batch 1 and {b} at batch 2");
            }

            values.Add(a);
            perBatch.Add(a != b);
        }

        graph.AddInt64Value(node.Outputs[0], new OnnxInt64Value([.. values], [values.Count], [.. perBatch]));
    }

    /// <summary>ONNX's rule for start and end: negative counts from the end, then clamp to [0, rank].</summary>
    private static long Clamp(long axis, int rank) => Math.Clamp(axis < 0 ? axis + rank : axis, 0, rank);
}
