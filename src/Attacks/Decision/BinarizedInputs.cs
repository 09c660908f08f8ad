using FoolingCluster.Tensors;

namespace FoolingCluster.Attacks.Decision;

/// <summary>
/// A classifier that sees its inputs binarised at a threshold (Schott et al. 2019's "binary"
/// models): every value at or above it becomes 1, every other 0. The step has no gradient, so
/// gradients are passed straight through it (BPDA, Athalye et al. 2018): the model's gradient
/// at the binarised image stands for the gradient at the image.
/// </summary>
/// <param name="model">The classifier behind the binarisation; its own gradients are the straight-through ones.</param>
/// <param name="threshold">Values at or above this become 1.</param>
public sealed class BinarizedInputs(IAttackModel model, float threshold = 0.5f) : ILogitGradientModel, ILogitsModel
{
    /// <summary>The threshold.</summary>
    public float Threshold { get; } = threshold;

    /// <inheritdoc/>
    public Tensor Logits(Tensor images) => model.Logits(Binarize(images));

    /// <inheritdoc/>
    public Tensor LossGradient(Tensor images, ReadOnlySpan<int> labels) => model.LossGradient(Binarize(images), labels);

    /// <inheritdoc/>
    /// <exception cref="NotSupportedException">The model behind cannot differentiate its logits.</exception>
    public LogitGradients Differentiate(Tensor images, LogitSeeds seeds) => model is ILogitGradientModel logits
        ? logits.Differentiate(Binarize(images), seeds)
        : throw new NotSupportedException($"{model.GetType().Name} does not differentiate its logits, so neither does its binarised form");

    /// <summary>The images binarised, as a new tensor in the current scope.</summary>
    public Tensor Binarize(Tensor images)
    {
        ArgumentNullException.ThrowIfNull(images);
        Tensor binary = Tensor.EmptyLike(images);
        ReadOnlySpan<float> x = images.Span;
        Span<float> b = binary.Span;
        for (int i = 0; i < x.Length; i++)
        {
            b[i] = x[i] >= Threshold ? 1f : 0f;
        }

        return binary;
    }
}
