using FoolingCluster.Tensors;
using FoolingCluster.Tensors.Ops;

namespace FoolingCluster.Models.Import.Onnx.Ops;

/// <summary>
/// ONNX <c>Flatten</c> (opset 1–22): <c>[d0,…,dn] → [d0·…·d(axis−1), d(axis)·…·dn]</c>, axis
/// default 1 and counted from the end when negative; a reshape, so its gradient is one too.
/// </summary>
internal sealed class FlattenOp : IOnnxOp
{
    /// <inheritdoc/>
    public IReadOnlyList<string> OpTypes { get; } = ["Flatten"];

    /// <inheritdoc/>
    public void Convert(OnnxNode node, OnnxGraphBuilder graph)
    {
        node.AllowOnly("axis");
        node.RequireInputs(1, 1);
        long axis = node.Int("axis", 1);
        graph.AddStep(node, [node.Input(0)], t => Flatten(t[0]!, axis));
    }

    private static Tensor Flatten(Tensor x, long axis)
    {
        long at = axis < 0 ? axis + x.Rank : axis;
        if (at < 0 || at > x.Rank)
        {
            throw new ShapeMismatchException($"flatten: axis {axis} is outside the rank of input x {Tensor.ShapeString(x.Shape)}");
        }

        int outer = 1;
        for (int i = 0; i < at; i++)
        {
            outer *= x.Shape[i];
        }

        return Functional.Reshape(x, outer, outer == 0 ? 0 : x.Size / outer);
    }
}
