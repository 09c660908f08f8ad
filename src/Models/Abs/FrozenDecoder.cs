using System.Numerics.Tensors;
using FoolingCluster.Tensors.Kernels;
using FoolingCluster.Tensors.NN;

namespace FoolingCluster.Models.Abs;

/// <summary>
/// A class VAE's decoder fixed for inference: each batch-norm folded into the transposed
/// convolution before it, run on direct channels-last kernels
/// (<see cref="ChannelsLastTransposedConv"/>; no tape, no allocation per call), with the
/// gradient of a loss on the image back to the latent. ABS inference spends nearly all of its
/// time here. Single-threaded: callers run one decoder per core.
/// </summary>
/// <remarks>
/// Hidden stages are stored channels-last <c>[N,H,W,C]</c>; the latent <c>[N,8]</c> and the
/// one-channel image <c>[N,28,28]</c> are the same in either layout, so callers never see it.
/// Batch-norm in evaluation mode is <c>γ·(a − μ)/√(σ² + ε) + β</c> per channel, an affine map,
/// so it becomes part of the preceding layer: output channel o of the weight is scaled by
/// <c>sₒ = γₒ/√(σ²ₒ + ε)</c> and the bias becomes <c>sₒ·(bₒ − μₒ) + βₒ</c>.
/// </remarks>
internal sealed class FrozenDecoder
{
    // BatchNorm's default ε, which ClassVae uses.
    private const float BatchNormEps = 1e-5f;

    // Values per slice of the element-wise passes: 16 KiB, well within the first-level cache.
    private const int Slice = 4096;

    private readonly Layer[] _layers;

    /// <summary>Folds the decoder of <paramref name="vae"/> as its weights are now.</summary>
    public FrozenDecoder(ClassVae vae)
    {
        IReadOnlyList<(ConvTranspose2d Conv, BatchNorm? Norm)> stages = vae.DecoderStages;
        _layers = new Layer[stages.Count];
        int side = 1;
        for (int i = 0; i < stages.Count; i++)
        {
            (ConvTranspose2d conv, BatchNorm? norm) = stages[i];
            int inC = ClassVae.DecoderChannels[i], outC = ClassVae.DecoderChannels[i + 1];
            int k = ClassVae.DecoderKernels[i], stride = ClassVae.DecoderStrides[i];
            float[] weight = conv.Weight.ToArray();
            float[] bias = conv.Bias is null ? new float[outC] : conv.Bias.ToArray();
            if (norm is not null)
            {
                for (int o = 0; o < outC; o++)
                {
                    float scale = norm.Weight[o] / MathF.Sqrt(norm.RunningVar[o] + BatchNormEps);
                    bias[o] = (scale * (bias[o] - norm.RunningMean[o])) + norm.Bias[o];
                    for (int c = 0; c < inC; c++)
                    {
                        Span<float> filter = weight.AsSpan(((c * outC) + o) * k * k, k * k);
                        TensorPrimitives.Multiply(filter, scale, filter);
                    }
                }
            }

            var folded = new ChannelsLastTransposedConv(weight, bias, inC, outC, k, stride);
            _layers[i] = new Layer(folded, side, folded.OutSide(side));
            side = folded.OutSide(side);
        }
    }

    /// <summary>Values of each stage's output per image, the image last.</summary>
    public IReadOnlyList<int> StageSizes => _layers.Select(l => l.OutSize).ToArray();

    /// <summary>
    /// Decodes <paramref name="count"/> latents into <paramref name="workspace"/>, keeping every
    /// stage for <see cref="LatentGradient"/>; the images are <see cref="DecoderWorkspace.Image"/>.
    /// </summary>
    /// <param name="latents"><c>[count,8]</c>.</param>
    /// <param name="count">Latents in the batch, at most the workspace's capacity.</param>
    /// <param name="workspace">Buffers sized for this decoder.</param>
    public void Forward(ReadOnlySpan<float> latents, int count, DecoderWorkspace workspace)
    {
        ReadOnlySpan<float> input = latents[..(count * ClassVae.LatentSize)];
        for (int i = 0; i < _layers.Length; i++)
        {
            Layer l = _layers[i];
            Span<float> pre = workspace.Pre[i].AsSpan(0, count * l.OutSize);
            l.Conv.Forward(input, count, l.InSide, pre);
            Span<float> post = workspace.Post[i].AsSpan(0, count * l.OutSize);
            if (i < _layers.Length - 1)
            {
                // ELU; e^min(a, 0) is also its derivative, so that is what stays in Pre for the
                // backward pass. The exponential is Exponential's (relative error below 4e-7),
                // which costs far less than TensorPrimitives.Exp's, a sixth of inference before.
                Activation.EluWithDerivative(pre, post);
            }
            else
            {
                TensorPrimitives.Sigmoid(pre, post);
            }

            input = post;
        }
    }

    /// <summary>
    /// Gradient of a loss with respect to the latents of the last <see cref="Forward"/>, given its
    /// gradient with respect to the images it drew.
    /// </summary>
    /// <param name="imageGradient"><c>[count,1,28,28]</c>: ∂loss/∂image.</param>
    /// <param name="count">The batch of the last forward pass.</param>
    /// <param name="workspace">The same workspace as that pass.</param>
    /// <param name="latentGradient">Receives <c>[count,8]</c>: ∂loss/∂z.</param>
    public void LatentGradient(ReadOnlySpan<float> imageGradient, int count, DecoderWorkspace workspace, Span<float> latentGradient)
    {
        int last = _layers.Length - 1;
        Span<float> g = workspace.GradA.AsSpan(0, count * _layers[last].OutSize);
        Activation.SigmoidBackward(workspace.Post[last].AsSpan(0, g.Length), imageGradient[..g.Length], g);
        bool inA = true;
        for (int i = last; i >= 0; i--)
        {
            Layer l = _layers[i];
            int inSize = l.Conv.InChannels * l.InSide * l.InSide;
            Span<float> gIn = i == 0
                ? latentGradient[..(count * inSize)]
                : (inA ? workspace.GradB : workspace.GradA).AsSpan(0, count * inSize);

            l.Conv.BackwardData(g, count, l.InSide, gIn);
            if (i > 0)
            {
                // In slices: on a whole stage, TensorPrimitives would store around the cache
                // (non-temporal stores, past 256 KiB), and the next layer reads it straight back.
                ReadOnlySpan<float> derivative = workspace.Pre[i - 1].AsSpan(0, gIn.Length);
                for (int at = 0; at < gIn.Length; at += Slice)
                {
                    int length = Math.Min(Slice, gIn.Length - at);
                    TensorPrimitives.Multiply(gIn.Slice(at, length), derivative.Slice(at, length), gIn.Slice(at, length));
                }
            }

            g = gIn;
            inA = !inA;
        }
    }

    /// <summary>A workspace for batches of up to <paramref name="capacity"/> latents.</summary>
    public DecoderWorkspace CreateWorkspace(int capacity) => new(_layers.Select(l => l.OutSize).ToArray(), _layers.Max(l => l.OutSize), capacity);

    /// <summary>One folded transposed convolution and the side of its square input.</summary>
    private sealed record Layer(ChannelsLastTransposedConv Conv, int InSide, int OutSide)
    {
        public int OutSize => Conv.OutChannels * OutSide * OutSide;
    }
}

/// <summary>
/// Buffers for <see cref="FrozenDecoder"/>: every stage before and after its activation, the
/// image last, and two gradient buffers. One per thread; reused across calls.
/// </summary>
internal sealed class DecoderWorkspace
{
    internal DecoderWorkspace(int[] stageSizes, int largestStage, int capacity)
    {
        Capacity = capacity;
        Pre = stageSizes.Select(s => new float[s * capacity]).ToArray();
        Post = stageSizes.Select(s => new float[s * capacity]).ToArray();
        GradA = new float[largestStage * capacity];
        GradB = new float[largestStage * capacity];
    }

    /// <summary>Most latents a call may decode.</summary>
    public int Capacity { get; }

    /// <summary>Each hidden stage's activation derivative (ELU's <c>e^min(a, 0)</c>); the image's pre-sigmoid values last.</summary>
    public float[][] Pre { get; }

    /// <summary>Each stage after its activation (ELU, then sigmoid for the image).</summary>
    public float[][] Post { get; }

    /// <summary>The decoded images, <c>[capacity,784]</c>; valid for the count of the last call.</summary>
    public float[] Image => Post[^1];

    internal float[] GradA { get; }

    internal float[] GradB { get; }
}
