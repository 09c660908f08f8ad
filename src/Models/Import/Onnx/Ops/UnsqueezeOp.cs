using FoolingCluster.Tensors;
using FoolingCluster.Tensors.Ops;

namespace FoolingCluster.Models.Import.Onnx.Ops;

/// <summary>
/// ONNX <c>Unsqueeze</c> (opset 1–22): inserts dimensions of size 1 at <c>axes</c>, counted in the
/// output's rank. A shape known at load is folded (<c>x.size(0)</c> becoming <c>[N]</c>); run-time
/// data is reshaped, so its gradient is a reshape too.
/// </summary>
internal sealed class UnsqueezeOp : IOnnxOp
{
    /// <inheritdoc/>
    public IReadOnlyList<string> OpTypes { get; } = ["Unsqueeze"];

    /// <inheritdoc/>
    public void Convert(OnnxNode node, OnnxGraphBuilder graph)
    {
        long[] axes = AxesInput.Read(node, graph) ?? throw node.Invalid("has no axes");
        string data = node.Input(0)!;
        if (graph.Int64Value(data) is OnnxInt64Value shape)
        {
            int[] dims;
            try
            {
                dims = Unsqueezed(shape.Dims, axes);
            }
            catch (ShapeMismatchException e)
            {
                throw node.Invalid(e.Message);
            }

            graph.AddInt64Value(node.Outputs[0], shape with { Dims = dims });
            return;
        }

        graph.AddStep(node, [data], t => Functional.Reshape(t[0]!, Unsqueezed(t[0]!.Shape, axes)));
    }

    private static int[] Unsqueezed(int[] shape, long[] axes)
    {
        int rank = shape.Length + axes.Length;
        int[] at = AxesInput.Normalise(axes, rank, "unsqueeze");
        int[] result = new int[rank];
        int next = 0;
        for (int i = 0; i < rank; i++)
        {
            result[i] = Array.BinarySearch(at, i) >= 0 ? 1 : shape[next++];
        }

        return result;
    }
}
