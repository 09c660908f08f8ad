using FoolingCluster.Tensors;
using FoolingCluster.Tensors.Ops;

namespace FoolingCluster.Models.Import.Onnx.Ops;

/// <summary>
/// ONNX <c>Gemm</c> (opset 7–22): <c>Y = alpha·A'·B' + beta·C</c> with A' = Aᵀ when transA and
/// B' = Bᵀ when transB, C broadcast to the result. PyTorch's <c>nn.Linear</c> exports as
/// transB = 1 with a bias vector, which runs as one <see cref="Functional.Linear"/>.
/// </summary>
internal sealed class GemmOp : IOnnxOp
{
    /// <inheritdoc/>
    public IReadOnlyList<string> OpTypes { get; } = ["Gemm"];

    /// <inheritdoc/>
    public void Convert(OnnxNode node, OnnxGraphBuilder graph)
    {
        node.AllowOnly("alpha", "beta", "transA", "transB");
        node.RequireInputs(2, 3);
        float alpha = node.Float("alpha", 1f);
        float beta = node.Float("beta", 1f);
        bool transA = node.Int("transA", 0) != 0;
        bool transB = node.Int("transB", 0) != 0;
        Tensor? c = graph.FloatConstant(node.Input(2));
        string?[] inputs = [node.Input(0), node.Input(1), node.Input(2)];
        bool linear = !transA && transB && alpha == 1f && (c is null ? inputs[2] is null : beta == 1f && c.Rank == 1);
        if (linear)
        {
            graph.AddStep(node, inputs, t => Functional.Linear(t[0]!, t[1]!, t[2]));
            return;
        }

        graph.AddStep(node, inputs, t => General(t[0]!, t[1]!, t[2], alpha, beta, transA, transB));
    }

    private static Tensor General(Tensor a, Tensor b, Tensor? c, float alpha, float beta, bool transA, bool transB)
    {
        Tensor y = Functional.MatMul(transA ? Functional.Transpose(a) : a, transB ? Functional.Transpose(b) : b);
        if (alpha != 1f)
        {
            y = Functional.MulScalar(y, alpha);
        }

        if (c is null || beta == 0f)
        {
            return y;
        }

        return Functional.AddBroadcast(y, beta == 1f ? c : Functional.MulScalar(c, beta));
    }
}
