using FoolingCluster.Tensors;
using FoolingCluster.Tensors.Ops;

namespace FoolingCluster.Models.Import.Onnx.Ops;

/// <summary>
/// ONNX <c>Softmax</c> and <c>LogSoftmax</c> (opset 1–22). From opset 13 they normalise one axis
/// (default −1): the last axis of any rank is supported, as a reshape to rows, the engine's
/// row-wise op and a reshape back. Before 13 the input is coerced to a matrix at <c>axis</c>
/// (default 1) and each row normalised, which is the same reshape for any axis.
/// </summary>
internal sealed class SoftmaxOps : IOnnxOp
{
    private static readonly Dictionary<string, Func<Tensor, Tensor>> s_ops = new(StringComparer.Ordinal)
    {
        ["Softmax"] = Functional.Softmax,
        ["LogSoftmax"] = Functional.LogSoftmax,
    };

    /// <inheritdoc/>
    public IReadOnlyList<string> OpTypes { get; } = [.. s_ops.Keys];

    /// <inheritdoc/>
    public void Convert(OnnxNode node, OnnxGraphBuilder graph)
    {
        node.AllowOnly("axis");
        node.RequireInputs(1, 1);
        Func<Tensor, Tensor> op = s_ops[node.OpType];
        if (graph.Opset < 13)
        {
            long coerce = node.Int("axis", 1);
            graph.AddStep(node, [node.Input(0)], t => Rows(t[0]!, coerce, op));
            return;
        }

        long axis = node.Int("axis", -1);
        if (axis != -1)
        {
            int rank = graph.ProbeShapes(node, node.Input(0)!).One.Length;
            if (axis != rank - 1)
            {
                throw node.Unsupported($"axis {axis} of a rank-{rank} input (the engine normalises the last axis)");
            }
        }

        graph.AddStep(node, [node.Input(0)], t => Rows(t[0]!, -1, op));
    }

    /// <summary>Applies the row-wise op to x reshaped as <c>[Π d&lt;axis, Π d≥axis]</c>, then reshapes back.</summary>
    private static Tensor Rows(Tensor x, long axis, Func<Tensor, Tensor> op)
    {
        long at = axis < 0 ? axis + x.Rank : axis;
        if (at < 0 || at >= x.Rank)
        {
            throw new ShapeMismatchException($"softmax: axis {axis} is outside the rank of input x {Tensor.ShapeString(x.Shape)}");
        }

        if (x.Rank == 2 && at == 1)
        {
            return op(x);
        }

        int rows = x.Shape.Take((int)at).Aggregate(1, (a, b) => a * b);
        Tensor y = op(Functional.Reshape(x, rows, rows == 0 ? 0 : x.Size / rows));
        return Functional.Reshape(y, x.Shape);
    }
}
