namespace FoolingCluster.Models.Import.Onnx.Ops;

/// <summary>
/// ONNX <c>Identity</c> (opset 1–22) and <c>Dropout</c> (opset 1–22) in inference, both the
/// identity: the imported network classifies, it is not trained, so dropout never drops.
/// An Identity of a constant stays a constant, so a shape passed through one still reaches Reshape.
/// </summary>
internal sealed class PassThroughOps : IOnnxOp
{
    /// <inheritdoc/>
    public IReadOnlyList<string> OpTypes { get; } = ["Identity", "Dropout"];

    /// <inheritdoc/>
    public void Convert(OnnxNode node, OnnxGraphBuilder graph)
    {
        if (node.OpType == "Dropout")
        {
            node.AllowOnly("ratio", "seed", "is_test");
            node.RequireInputs(1, 3);
            if (node.Outputs.Count > 1 && node.Outputs[1].Length > 0)
            {
                throw node.Unsupported("the mask output");
            }

            // training_mode (input 2) true would make the node random; a constant false, or none, is inference.
            long[]? training = graph.Int64Constant(node.Input(2));
            if (node.Input(2) is not null && !(training is not null && training.All(v => v == 0)))
            {
                throw node.Unsupported("a training_mode input other than a constant false", "export the model in eval mode");
            }
        }
        else
        {
            node.AllowOnly();
            node.RequireInputs(1, 1);
        }

        string input = node.Input(0)!;
        OnnxInt64Value? constant = graph.Int64Value(input);
        if (constant is not null && node.OpType == "Identity")
        {
            graph.AddInt64Value(node.Outputs[0], constant);
            return;
        }

        graph.AddStep(node, [input], t => t[0]!);
    }
}
