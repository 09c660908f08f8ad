using FoolingCluster.Tensors;
using FoolingCluster.Tensors.Ops;

namespace FoolingCluster.Models.Import.Onnx.Ops;

/// <summary>
/// ONNX <c>Reshape</c> (opset 5–22) whose target shape is known at load: a constant (an
/// initializer or a Constant node), or shape arithmetic folded at load such as PyTorch's
/// <c>x.view(x.size(0), -1)</c> (<c>Shape → Gather → Unsqueeze → Concat</c>, giving <c>[N,−1]</c>).
/// 0 copies the input's dimension at that position (unless allowzero), −1 is inferred, and an
/// element that follows the batch size is scaled by the run-time batch.
/// </summary>
internal sealed class ReshapeOp : IOnnxOp
{
    /// <inheritdoc/>
    public IReadOnlyList<string> OpTypes { get; } = ["Reshape"];

    /// <inheritdoc/>
    public void Convert(OnnxNode node, OnnxGraphBuilder graph)
    {
        node.AllowOnly("allowzero");
        node.RequireInputs(2, 2);
        OnnxInt64Value target = graph.Int64Value(node.Input(1))
            ?? throw node.Unsupported($"a target shape '{node.Input(1)}' computed at run time", "export with a constant shape, e.g. x.reshape(-1, 784)");
        long[] shape = target.Values;
        bool allowZero = node.Int("allowzero", 0) != 0;
        if (allowZero && shape.Contains(0))
        {
            throw node.Unsupported($"allowzero 1 with shape {OnnxNode.List(shape)}");
        }

        if (target.Dims.Length != 1 || shape.Count(d => d == -1) > 1 || shape.Any(d => d < -1 || d > int.MaxValue))
        {
            throw node.Invalid($"has target shape {target}");
        }

        string data = node.Input(0)!;
        if (!target.DependsOnBatch)
        {
            graph.AddStep(node, [data], t => Functional.Reshape(t[0]!, Resolve(t[0]!, shape)));
            return;
        }

        // The batch is the data's size over its size at batch 1, which the probe measures.
        (int[] one, int[] two) = graph.ProbeShapes(node, data);
        long perImage = Tensor.ShapeSize(one);
        if (perImage == 0 || Tensor.ShapeSize(two) != 2 * perImage)
        {
            throw node.Unsupported($"a target shape {target} that follows the batch size when the data's size {Tensor.ShapeString(one)} does not");
        }

        graph.AddStep(node, [data], t => Functional.Reshape(t[0]!, Resolve(t[0]!, target.At(t[0]!.Size / perImage))));
    }

    private static int[] Resolve(Tensor x, long[] shape)
    {
        int[] target = new int[shape.Length];
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] == 0 && i >= x.Rank)
            {
                throw new ShapeMismatchException($"reshape: target shape {OnnxNode.List(shape)} copies dimension {i} of input x {Tensor.ShapeString(x.Shape)}, which has none");
            }

            target[i] = shape[i] == 0 ? x.Shape[i] : checked((int)shape[i]);
        }

        return target;
    }
}
