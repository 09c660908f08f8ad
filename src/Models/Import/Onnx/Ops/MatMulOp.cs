using FoolingCluster.Tensors;
using FoolingCluster.Tensors.Ops;

namespace FoolingCluster.Models.Import.Onnx.Ops;

/// <summary>
/// ONNX <c>MatMul</c> (opset 1–22) of a matrix or a stack of matrices <c>[…,m,k]</c> by a matrix
/// <c>[k,n]</c> (a linear layer applied to every position), as one <see cref="Functional.MatMul"/>
/// over the stack flattened to rows. The vector forms and stacks on the right, which NumPy's
/// matmul also defines, are refused when the graph is checked.
/// </summary>
internal sealed class MatMulOp : IOnnxOp
{
    /// <inheritdoc/>
    public IReadOnlyList<string> OpTypes { get; } = ["MatMul"];

    /// <inheritdoc/>
    public void Convert(OnnxNode node, OnnxGraphBuilder graph)
    {
        node.AllowOnly();
        node.RequireInputs(2, 2);
        graph.AddStep(node, [node.Input(0), node.Input(1)], t => Stacked(t[0]!, t[1]!));
    }

    private static Tensor Stacked(Tensor a, Tensor b)
    {
        if (a.Rank <= 2 || b.Rank != 2)
        {
            return Functional.MatMul(a, b);
        }

        int k = a.Shape[^1];
        int rows = k == 0 ? 0 : a.Size / k;
        Tensor y = Functional.MatMul(Functional.Reshape(a, rows, k), b);
        return Functional.Reshape(y, [.. a.Shape[..^1], b.Shape[1]]);
    }
}
