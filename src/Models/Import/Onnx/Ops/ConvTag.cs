using FoolingCluster.Tensors;

namespace FoolingCluster.Models.Import.Onnx.Ops;

/// <summary>A convolution with constant weights, as a later fusion needs it.</summary>
/// <param name="Input">The value the convolution reads.</param>
/// <param name="Weight">Its weight <c>[OC,C/G,KH,KW]</c>.</param>
/// <param name="Bias">Its bias <c>[OC]</c>, or null.</param>
/// <param name="Run">The convolution with the node's attributes, for any weight and bias: (x, w, b) → y.</param>
/// <param name="RunPooled">The same followed by max pooling over 2×2 windows at stride 2, fused where the kernels can: (x, w, b) → pooled y.</param>
/// <param name="RunRelu">The same followed by a ReLU, fused where the kernels can: (x, w, b) → max(y, 0).</param>
internal sealed record ConvTag(string Input, Tensor Weight, Tensor? Bias, Func<Tensor, Tensor, Tensor?, Tensor> Run, Func<Tensor, Tensor, Tensor?, Tensor> RunPooled, Func<Tensor, Tensor, Tensor?, Tensor> RunRelu)
{
    /// <summary>
    /// Replaces the step computing <paramref name="output"/> (this convolution's) by one computing
    /// <paramref name="node"/>'s output with <paramref name="fused"/>, which runs on this
    /// convolution's input, weight and bias: a pooling or ReLU that is the convolution's only reader.
    /// </summary>
    public void Fuse(OnnxGraphBuilder graph, string output, OnnxNode node, Func<Tensor, Tensor, Tensor?, Tensor> fused)
    {
        string w = $"{node.Outputs[0]}::conv_weight", b = $"{node.Outputs[0]}::conv_bias";
        graph.AddFloatConstant(w, Weight);
        if (Bias is not null)
        {
            graph.AddFloatConstant(b, Bias);
        }

        graph.ReplaceStep(output, node, [Input, w, Bias is null ? null : b], t => fused(t[0]!, t[1]!, t[2]));
    }
}
