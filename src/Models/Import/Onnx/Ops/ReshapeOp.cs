using FoolingCluster.Tensors;
using FoolingCluster.Tensors.Ops;

namespace FoolingCluster.Models.Import.Onnx.Ops;

/// <summary>
/// ONNX <c>Reshape</c> (opset 5–22) whose target shape is a constant (an initializer or a
/// Constant node): 0 copies the input's dimension at that position (unless allowzero), −1 is
/// inferred. A shape computed at run time (Shape → Gather → Concat) is refused at load.
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
        long[] shape = graph.Int64Constant(node.Input(1))
            ?? throw node.Unsupported($"a target shape '{node.Input(1)}' computed at run time", "export with a constant shape, e.g. x.reshape(-1, 784)");
        bool allowZero = node.Int("allowzero", 0) != 0;
        if (allowZero && shape.Contains(0))
        {
            throw node.Unsupported($"allowzero 1 with shape {OnnxNode.List(shape)}");
        }

        if (shape.Count(d => d == -1) > 1 || shape.Any(d => d < -1 || d > int.MaxValue))
        {
            throw node.Invalid($"has target shape {OnnxNode.List(shape)}");
        }

        graph.AddStep(node, [node.Input(0)], t => Functional.Reshape(t[0]!, Resolve(t[0]!, shape)));
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

            target[i] = shape[i] == 0 ? x.Shape[i] : (int)shape[i];
        }

        return target;
    }
}
