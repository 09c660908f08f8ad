using FoolingCluster.Tensors;
using FoolingCluster.Tensors.Ops;

namespace FoolingCluster.Models.Import.Onnx.Ops;

/// <summary>
/// ONNX <c>Pad</c> (opset 11–22) in constant mode as <see cref="Functional.Pad"/>: <c>pads</c> (input
/// 1, a constant <c>[x1_begin,…,xr_begin, x1_end,…,xr_end]</c>) may pad only the last two axes,
/// by the optional constant <c>constant_value</c> (input 2, default 0). Reflect, edge and wrap
/// modes, negative pads (cropping) and the opset-18 <c>axes</c> input are refused.
/// </summary>
internal sealed class PadOp : IOnnxOp
{
    /// <inheritdoc/>
    public IReadOnlyList<string> OpTypes { get; } = ["Pad"];

    /// <inheritdoc/>
    public void Convert(OnnxNode node, OnnxGraphBuilder graph)
    {
        node.AllowOnly("mode");
        node.RequireInputs(2, 3);
        string mode = node.String("mode", "constant");
        if (mode != "constant")
        {
            throw node.Unsupported($"mode '{mode}'", "only constant padding is imported");
        }

        long[] pads = graph.Int64Constant(node.Input(1))
            ?? throw node.Unsupported($"pads '{node.Input(1)}' computed at run time");
        int rank = pads.Length / 2;
        if (pads.Length % 2 != 0 || rank < 2)
        {
            throw node.Invalid($"has pads {OnnxNode.List(pads)}; it needs a begin and an end for each of at least two axes");
        }

        if (pads.Any(p => p < 0 || p > int.MaxValue))
        {
            throw node.Unsupported($"pads {OnnxNode.List(pads)} (negative pads crop)");
        }

        if (pads.Where((p, i) => p != 0 && i % rank < rank - 2).Any())
        {
            throw node.Unsupported($"pads {OnnxNode.List(pads)} on an axis other than the last two");
        }

        float value = 0f;
        if (node.Input(2) is string v)
        {
            Tensor c = graph.FloatConstant(v) ?? throw node.Unsupported($"a constant_value '{v}' computed at run time");
            value = c.Size == 1 ? c[0] : throw node.Invalid($"has a constant_value of {c.Size} elements; it takes one");
        }

        var padding = new Padding2d((int)pads[rank - 2], (int)pads[rank - 1], (int)pads[(2 * rank) - 2], (int)pads[(2 * rank) - 1]);
        graph.AddStep(node, [node.Input(0)], t => t[0]!.Rank == rank
            ? Functional.Pad(t[0]!, padding, value)
            : throw new ShapeMismatchException($"pad: pads {OnnxNode.List(pads)} are for rank {rank} but input x has shape {Tensor.ShapeString(t[0]!.Shape)}"));
    }
}
