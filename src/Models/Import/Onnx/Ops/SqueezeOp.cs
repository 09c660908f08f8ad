using FoolingCluster.Tensors;
using FoolingCluster.Tensors.Ops;

namespace FoolingCluster.Models.Import.Onnx.Ops;

/// <summary>
/// ONNX <c>Squeeze</c> (opset 1–22): removes the dimensions of size 1 at <c>axes</c>, or every
/// dimension of size 1 when axes are absent (the batch too, at batch 1, as ONNX Runtime does).
/// A shape known at load is folded; run-time data is reshaped.
/// </summary>
internal sealed class SqueezeOp : IOnnxOp
{
    /// <inheritdoc/>
    public IReadOnlyList<string> OpTypes { get; } = ["Squeeze"];

    /// <inheritdoc/>
    public void Convert(OnnxNode node, OnnxGraphBuilder graph)
    {
        long[]? axes = AxesInput.Read(node, graph);
        string data = node.Input(0)!;
        if (graph.Int64Value(data) is OnnxInt64Value shape)
        {
            try
            {
                graph.AddInt64Value(node.Outputs[0], shape with { Dims = Squeezed(shape.Dims, axes) });
            }
            catch (ShapeMismatchException e)
            {
                throw node.Invalid(e.Message);
            }

            return;
        }

        graph.AddStep(node, [data], t => Functional.Reshape(t[0]!, Squeezed(t[0]!.Shape, axes)));
    }

    private static int[] Squeezed(int[] shape, long[]? axes)
    {
        if (axes is null)
        {
            return [.. shape.Where(d => d != 1)];
        }

        int[] at = AxesInput.Normalise(axes, shape.Length, "squeeze");
        foreach (int a in at.Where(a => shape[a] != 1))
        {
            throw new ShapeMismatchException($"squeeze: dimension {a} of input x {Tensor.ShapeString(shape)} is {shape[a]}, not 1");
        }

        return [.. shape.Where((_, i) => Array.BinarySearch(at, i) < 0)];
    }
}
