namespace FoolingCluster.Tensors.NN;

/// <summary>
/// Folds an inference-mode batch normalisation into the convolution (or linear layer) before
/// it, so an imported network runs one op where it had two.
/// </summary>
/// <remarks>
/// BN in inference is <c>z = γ·(y − μ)/√(σ² + ε) + β</c> per channel, and y = W∗x + b is linear in
/// W and b, so with <c>s = γ/√(σ² + ε)</c>: <c>W'[oc,…] = s[oc]·W[oc,…]</c> and
/// <c>b'[oc] = s[oc]·(b[oc] − μ[oc]) + β[oc]</c>. Computed in double and rounded once. The BN
/// parameters are ONNX <c>BatchNormalization</c>'s inputs (scale, B, input_mean, input_var) and
/// attribute epsilon, or PyTorch's weight, bias, running_mean, running_var and eps.
/// </remarks>
public static class BatchNormFolding
{
    /// <summary>The weight and bias of the layer equal to <c>BN(conv(x))</c> in inference.</summary>
    /// <param name="weight">Layer weight <c>[OC,…]</c> (a convolution's <c>[OC,C/G,KH,KW]</c>, a linear layer's <c>[OC,In]</c>).</param>
    /// <param name="bias">Layer bias <c>[OC]</c>, or null for none.</param>
    /// <param name="scale">γ <c>[OC]</c>.</param>
    /// <param name="shift">β <c>[OC]</c>.</param>
    /// <param name="mean">Running mean μ <c>[OC]</c>.</param>
    /// <param name="variance">Running variance σ² <c>[OC]</c>, each with σ² + ε &gt; 0.</param>
    /// <param name="eps">ε, ONNX's and PyTorch's default 1e-5.</param>
    /// <returns>New tensors: the weight, shaped as <paramref name="weight"/>, and the bias <c>[OC]</c>.</returns>
    /// <exception cref="ShapeMismatchException">A parameter is not <c>[OC]</c>.</exception>
    /// <exception cref="InvalidInputException">A variance plus ε is not positive.</exception>
    public static (Tensor Weight, Tensor Bias) Fold(Tensor weight, Tensor? bias, Tensor scale, Tensor shift, Tensor mean, Tensor variance, float eps = 1e-5f)
    {
        if (weight.Rank < 1 || weight.Dim(0) == 0)
        {
            throw new ShapeMismatchException($"batch-norm folding: weight has shape {Tensor.ShapeString(weight.Shape)} but must be a non-empty [OC,...]");
        }

        int channels = weight.Dim(0);
        foreach ((Tensor? t, string name) in new[] { (bias, "bias"), (scale, "scale"), (shift, "shift"), (mean, "mean"), (variance, "variance") })
        {
            if (t is not null && (t.Rank != 1 || t.Dim(0) != channels))
            {
                throw new ShapeMismatchException($"batch-norm folding: {name} has shape {Tensor.ShapeString(t.Shape)} but weight {Tensor.ShapeString(weight.Shape)} needs [{channels}]");
            }
        }

        int perChannel = weight.Size / channels;
        Tensor folded = Tensor.Empty(weight.Shape);
        Tensor foldedBias = Tensor.Empty(channels);
        ReadOnlySpan<float> w = weight.Span;
        Span<float> fw = folded.Span;
        for (int c = 0; c < channels; c++)
        {
            double denominator = (double)variance[c] + eps;
            if (!(denominator > 0))
            {
                throw new InvalidInputException($"batch-norm folding: channel {c} has variance {variance[c]} and epsilon {eps}, whose sum is not positive");
            }

            double s = scale[c] / Math.Sqrt(denominator);
            for (int i = c * perChannel; i < (c + 1) * perChannel; i++)
            {
                fw[i] = (float)(s * w[i]);
            }

            double b = bias is null ? 0 : bias[c];
            foldedBias[c] = (float)((s * (b - mean[c])) + shift[c]);
        }

        return (folded, foldedBias);
    }
}
