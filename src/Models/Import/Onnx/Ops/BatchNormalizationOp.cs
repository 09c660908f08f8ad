using FoolingCluster.Tensors;
using FoolingCluster.Tensors.NN;
using FoolingCluster.Tensors.Ops;

namespace FoolingCluster.Models.Import.Onnx.Ops;

/// <summary>
/// ONNX <c>BatchNormalization</c> (opset 9–22) in inference: <c>y = s·(x − μ) + β</c> per channel
/// with <c>s = γ/√(σ² + ε)</c>. When it is the only reader of a convolution with constant weights
/// it is folded into that convolution (<see cref="BatchNormFolding.Fold"/>), so ResNet's
/// conv-bn pairs run as one op; otherwise it is a per-channel scale and shift broadcast over
/// <c>[N,C]</c> or <c>[N,C,H,W]</c>.
/// </summary>
internal sealed class BatchNormalizationOp : IOnnxOp
{
    /// <inheritdoc/>
    public IReadOnlyList<string> OpTypes { get; } = ["BatchNormalization"];

    /// <inheritdoc/>
    public void Convert(OnnxNode node, OnnxGraphBuilder graph)
    {
        node.AllowOnly("epsilon", "momentum", "training_mode");
        node.RequireInputs(5, 5);
        if (node.Int("training_mode", 0) != 0)
        {
            throw node.Unsupported("training_mode 1", "export the model in eval mode");
        }

        if (node.Outputs.Skip(1).Any(o => o.Length > 0))
        {
            throw node.Unsupported("the running mean and variance outputs (a training-mode node)", "export the model in eval mode");
        }

        Tensor[] p = new Tensor[4];
        for (int i = 0; i < 4; i++)
        {
            p[i] = graph.FloatConstant(node.Input(i + 1))
                ?? throw node.Unsupported($"input {i + 1} '{node.Input(i + 1)}' computed at run time (scale, B, mean and var must be constants)");
        }

        float eps = node.Float("epsilon", 1e-5f);
        string x = node.Input(0)!;
        try
        {
            if (graph.StepTag(x) is ConvTag conv && graph.Consumers(x) == 1 && conv.Weight.Dim(0) == p[0].Size)
            {
                Fold(node, graph, conv, p, eps);
                return;
            }

            // Scale and shift are the folding of BN into an identity "layer" of one weight per channel.
            (Tensor scale, Tensor shift) = BatchNormFolding.Fold(Tensor.Wrap(Enumerable.Repeat(1f, p[0].Size).ToArray(), p[0].Size), null, p[0], p[1], p[2], p[3], eps);
            float[] s = scale.ToArray(), b = shift.ToArray();
            graph.AddStep(node, [x], t => ScaleShift(t[0]!, s, b));
        }
        catch (Exception e) when (e is ShapeMismatchException or InvalidInputException)
        {
            throw node.Invalid(e.Message);
        }
    }

    private static void Fold(OnnxNode node, OnnxGraphBuilder graph, ConvTag conv, Tensor[] p, float eps)
    {
        (Tensor weight, Tensor bias) = BatchNormFolding.Fold(conv.Weight, conv.Bias, p[0], p[1], p[2], p[3], eps);

        // Copies outside any scope: the folded weights live as long as the network.
        string w = $"{node.Outputs[0]}::folded_weight", b = $"{node.Outputs[0]}::folded_bias";
        Tensor foldedWeight = Tensor.Wrap(weight.ToArray(), weight.Shape), foldedBias = Tensor.Wrap(bias.ToArray(), bias.Shape);
        graph.AddFloatConstant(w, foldedWeight);
        graph.AddFloatConstant(b, foldedBias);

        // Still a convolution with constant weights: a ReLU or pooling after it can fuse in turn.
        graph.ReplaceStep(node.Input(0)!, node, [conv.Input, w, b], t => conv.Run(t[0]!, t[1]!, t[2]), conv with { Weight = foldedWeight, Bias = foldedBias });
    }

    private static Tensor ScaleShift(Tensor x, float[] scale, float[] shift)
    {
        if (x.Rank < 2 || x.Dim(1) != scale.Length)
        {
            throw new ShapeMismatchException($"batch_normalization: input x has shape {Tensor.ShapeString(x.Shape)} but the parameters are for {scale.Length} channels [N,{scale.Length},…]");
        }

        int[] perChannel = [scale.Length, .. Enumerable.Repeat(1, x.Rank - 2)];
        return Functional.AddBroadcast(Functional.MulBroadcast(x, Tensor.Wrap(scale, perChannel)), Tensor.Wrap(shift, perChannel));
    }
}
