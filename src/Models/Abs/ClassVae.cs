using FoolingCluster.Tensors;
using FoolingCluster.Tensors.NN;
using FoolingCluster.Tensors.Ops;

namespace FoolingCluster.Models.Abs;

/// <summary>
/// The variational autoencoder of one class in the ABS model (Schott, Rauber, Bethge &amp;
/// Brendel, ICLR 2019): a convolutional encoder to the mean and log-variance of an 8-dimensional
/// latent, and a transposed-convolution decoder back to a 28×28 image.
/// </summary>
/// <remarks>
/// Encoder: conv 1→32 (5×5), 32→32 (4×4, stride 2), 32→64 (3×3, stride 2), each followed by
/// batch-norm and ELU, taking <c>[N,1,28,28]</c> to <c>[N,64,5,5]</c>; then two 5×5 heads to
/// <c>[N,8,1,1]</c>. The authors compute both heads as one 16-channel convolution split in
/// half; two 8-channel convolutions are the same function. Decoder: transposed conv 8→32
/// (4×4), 32→16 (5×5, stride 2), 16→16 (5×5, stride 2), each followed by batch-norm and ELU,
/// taking <c>[N,8,1,1]</c> through 4×4, 11×11 and 25×25 to a 16→1 (4×4) transposed conv with
/// sigmoid output <c>[N,1,28,28]</c>.
/// </remarks>
public sealed class ClassVae : Module
{
    /// <summary>Latent dimensions, 8 in the paper.</summary>
    public const int LatentSize = 8;

    /// <summary>Pixels of one image, 1×28×28.</summary>
    public const int ImageSize = 28 * 28;

    /// <summary>Channels along the decoder: latent, three hidden stages, image.</summary>
    internal static readonly int[] DecoderChannels = [LatentSize, 32, 16, 16, 1];

    /// <summary>Kernel size of each transposed convolution of the decoder.</summary>
    internal static readonly int[] DecoderKernels = [4, 5, 5, 4];

    /// <summary>Stride of each transposed convolution of the decoder.</summary>
    internal static readonly int[] DecoderStrides = [1, 2, 2, 1];

    private readonly List<(ConvTranspose2d Conv, BatchNorm? Norm)> _decoderStages = [];

    /// <summary>Creates the network with PyTorch's default initialisation.</summary>
    /// <param name="seed">Seed of the initial weights.</param>
    public ClassVae(int seed)
    {
        var rng = new Random(seed);
        Encoder = RegisterModule("encoder", new Sequential(
            new Conv2d(1, 32, 5, rng), new BatchNorm(32), new ELU(),
            new Conv2d(32, 32, 4, rng, stride: 2), new BatchNorm(32), new ELU(),
            new Conv2d(32, 64, 3, rng, stride: 2), new BatchNorm(64), new ELU()));
        Mu = RegisterModule("mu", new Conv2d(64, LatentSize, 5, rng));
        LogVar = RegisterModule("logvar", new Conv2d(64, LatentSize, 5, rng));
        var layers = new List<Module>();
        for (int i = 0; i < DecoderKernels.Length; i++)
        {
            var conv = new ConvTranspose2d(DecoderChannels[i], DecoderChannels[i + 1], DecoderKernels[i], rng, stride: DecoderStrides[i]);
            BatchNorm? norm = i < DecoderKernels.Length - 1 ? new BatchNorm(DecoderChannels[i + 1]) : null;
            layers.Add(conv);
            if (norm is not null)
            {
                layers.Add(norm);
                layers.Add(new ELU());
            }

            _decoderStages.Add((conv, norm));
        }

        Decoder = RegisterModule("decoder", new Sequential([.. layers]));
    }

    /// <summary>The decoder's transposed convolutions, each with the batch-norm after it (none after the last).</summary>
    internal IReadOnlyList<(ConvTranspose2d Conv, BatchNorm? Norm)> DecoderStages => _decoderStages;

    /// <summary>The shared trunk of the encoder, <c>[N,1,28,28] → [N,64,5,5]</c>.</summary>
    public Sequential Encoder { get; }

    /// <summary>Head giving the posterior mean, <c>[N,64,5,5] → [N,8,1,1]</c>.</summary>
    public Conv2d Mu { get; }

    /// <summary>Head giving the posterior log-variance, <c>[N,64,5,5] → [N,8,1,1]</c>.</summary>
    public Conv2d LogVar { get; }

    /// <summary>The decoder before its sigmoid, <c>[N,8,1,1] → [N,1,28,28]</c>.</summary>
    public Sequential Decoder { get; }

    /// <summary>Posterior parameters of a batch.</summary>
    /// <param name="images"><c>[N,1,28,28]</c> in [0,1].</param>
    /// <returns>Mean and log-variance, each <c>[N,8,1,1]</c>.</returns>
    public (Tensor Mu, Tensor LogVar) Encode(Tensor images)
    {
        RequireImages(images);
        Tensor h = Encoder.Forward(images);
        return (Mu.Forward(h), LogVar.Forward(h));
    }

    /// <summary>Images the decoder draws for latent codes.</summary>
    /// <param name="latents"><c>[N,8,1,1]</c>.</param>
    /// <returns><c>[N,1,28,28]</c> in (0,1).</returns>
    public Tensor Decode(Tensor latents)
    {
        if (latents.Rank != 4 || latents.Dim(1) != LatentSize || latents.Dim(2) != 1 || latents.Dim(3) != 1)
        {
            throw new ShapeMismatchException($"ABS's decoders: latents have shape {Tensor.ShapeString(latents.Shape)} but must be [N,{LatentSize},1,1]");
        }

        return Functional.Sigmoid(Decoder.Forward(latents));
    }

    /// <summary>Reconstruction through the posterior mean: <c>[N,1,28,28] → [N,1,28,28]</c>.</summary>
    public override Tensor Forward(Tensor x) => Decode(Encode(x).Mu);

    private static void RequireImages(Tensor images)
    {
        if (images.Rank != 4 || images.Dim(1) != 1 || images.Dim(2) != 28 || images.Dim(3) != 28)
        {
            throw new ShapeMismatchException($"ABS classifies MNIST digits: images have shape {Tensor.ShapeString(images.Shape)} but must be [N,1,28,28]");
        }
    }
}
