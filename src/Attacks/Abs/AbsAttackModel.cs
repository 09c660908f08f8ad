using FoolingCluster.Attacks.Decision;
using FoolingCluster.Models.Abs;
using FoolingCluster.Tensors;
using FoolingCluster.Tensors.Autograd;

namespace FoolingCluster.Attacks.Abs;

/// <summary>
/// The ABS model as attacks see it: logits whose softmax is ABS's calibrated confidence,
/// gradients estimated from finite differences of those logits (ABS has no usable input
/// gradient; "with GE" in Schott et al. 2019), and, for the Latent Descent attack, each class's
/// reconstruction of an image from its optimised latent.
/// </summary>
public sealed class AbsAttackModel : ILogitGradientModel, ILogitsModel
{
    private readonly GradientEstimator _gradients;

    /// <param name="model">The trained ABS model (plain or binary).</param>
    /// <param name="probes">Antithetic probes per gradient estimate, an even number ≥ 2.</param>
    /// <param name="seed">Seed of the probe directions.</param>
    public AbsAttackModel(AbsModel model, int probes = 100, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = model;
        _gradients = GradientEstimator.Antithetic(this, probes, seed: seed);
    }

    /// <summary>The ABS model.</summary>
    public AbsModel Model { get; }

    /// <summary>How gradients are estimated, for reports.</summary>
    public string DescribeGradients() => _gradients.Describe();

    /// <inheritdoc/>
    public Tensor Logits(Tensor images)
    {
        using NoGradScope noGrad = NoGradScope.Begin();
        return Model.Forward(images);
    }

    /// <inheritdoc/>
    public Tensor LossGradient(Tensor images, ReadOnlySpan<int> labels) => _gradients.LossGradient(images, labels);

    /// <inheritdoc/>
    public LogitGradients Differentiate(Tensor images, LogitSeeds seeds) => _gradients.Differentiate(images, seeds);

    /// <summary>Classifies images and draws, for every class, the image its VAE makes of the optimised latent.</summary>
    /// <param name="images"><c>[N,1,28,28]</c> in [0,1].</param>
    /// <returns>The −ELBO logits <c>[N·10]</c> and the reconstructions <c>[N·10·784]</c>, class-major within each image.</returns>
    public (float[] Logits, float[] Reconstructions) Reconstruct(Tensor images)
    {
        ArgumentNullException.ThrowIfNull(images);
        int n = images.Shape[0];
        AbsInference inference = Model.Infer(images.Span, n);
        int classes = AbsModel.Classes;
        int latent = ClassVae.LatentSize;
        int size = ClassVae.ImageSize;
        float[] reconstructions = new float[n * classes * size];
        using TensorScope scope = TensorScope.Begin();
        using NoGradScope noGrad = NoGradScope.Begin();
        for (int c = 0; c < classes; c++)
        {
            Tensor z = Tensor.Empty(n, latent, 1, 1);
            for (int i = 0; i < n; i++)
            {
                inference.Latents.AsSpan(((i * classes) + c) * latent, latent).CopyTo(z.Span.Slice(i * latent, latent));
            }

            ReadOnlySpan<float> drawn = Model.Vaes[c].Decode(z).Span;
            for (int i = 0; i < n; i++)
            {
                drawn.Slice(i * size, size).CopyTo(reconstructions.AsSpan(((i * classes) + c) * size, size));
            }
        }

        return (inference.Logits(), reconstructions);
    }
}
