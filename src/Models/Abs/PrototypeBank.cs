using System.Numerics.Tensors;
using FoolingCluster.Tensors.Kernels;

namespace FoolingCluster.Models.Abs;

/// <summary>
/// The prior samples decoded once by every class's decoder, and the search for the one that
/// explains an image best. The decoded samples do not depend on the image, so the first stage
/// of ABS inference reduces to a matrix product:
/// <c>‖x − r‖² + β·½‖z‖² = ‖x‖² − 2·x·r + (‖r‖² + β·½‖z‖²)</c>, the bracket kept per sample.
/// </summary>
internal sealed class PrototypeBank
{
    private const int D = ClassVae.LatentSize;
    private const int P = ClassVae.ImageSize;
    private const int DecodeBlock = 250;

    private readonly float[][] _images;
    private readonly float[][] _offsets;

    /// <summary>Decodes <paramref name="latents"/> with each decoder, in parallel over classes and blocks of samples.</summary>
    /// <param name="decoders">One per class.</param>
    /// <param name="latents">Prior samples <c>[S,8]</c>.</param>
    /// <param name="beta">Weight of the prior term.</param>
    /// <param name="threads">Cores to use.</param>
    /// <param name="cancel">Checked between blocks of samples.</param>
    /// <exception cref="OperationCanceledException"><paramref name="cancel"/> was cancelled.</exception>
    public PrototypeBank(IReadOnlyList<FrozenDecoder> decoders, float[] latents, float beta, int threads, CancellationToken cancel = default)
    {
        Latents = latents;
        Samples = latents.Length / D;
        int classes = decoders.Count;
        _images = new float[classes][];
        _offsets = new float[classes][];
        for (int c = 0; c < classes; c++)
        {
            _images[c] = new float[Samples * P];
            _offsets[c] = new float[Samples];
        }

        int blocks = (Samples + DecodeBlock - 1) / DecodeBlock;
        Parallel.For(
            0,
            classes * blocks,
            new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = cancel },
            () => decoders[0].CreateWorkspace(DecodeBlock),
            (task, _, workspace) =>
            {
                int c = task / blocks, start = task % blocks * DecodeBlock;
                int count = Math.Min(DecodeBlock, Samples - start);
                decoders[c].Forward(latents.AsSpan(start * D, count * D), count, workspace);
                workspace.Image.AsSpan(0, count * P).CopyTo(_images[c].AsSpan(start * P, count * P));
                for (int s = start; s < start + count; s++)
                {
                    ReadOnlySpan<float> r = _images[c].AsSpan(s * P, P);
                    ReadOnlySpan<float> z = latents.AsSpan(s * D, D);
                    _offsets[c][s] = TensorPrimitives.Dot(r, r) + (beta * 0.5f * TensorPrimitives.Dot(z, z));
                }

                return workspace;
            },
            _ => { });
    }

    /// <summary>The prior samples, <c>[S,8]</c>.</summary>
    public float[] Latents { get; }

    /// <summary>S.</summary>
    public int Samples { get; }

    /// <summary>Scratch a search of up to <paramref name="batch"/> images needs.</summary>
    public float[] CreateScratch(int batch) => new float[batch * Samples];

    /// <summary>
    /// For each image, the sample of class <paramref name="digit"/> with the lowest
    /// <c>‖x − r‖² + β·½‖z‖²</c>, and that value.
    /// </summary>
    /// <param name="digit">The class whose decoded samples to search.</param>
    /// <param name="images"><c>[count,784]</c>.</param>
    /// <param name="count">Images.</param>
    /// <param name="scratch">From <see cref="CreateScratch"/> for at least <paramref name="count"/> images.</param>
    /// <param name="best">Receives the index of the best sample per image.</param>
    /// <param name="value">Receives its unnormalised negative ELBO per image.</param>
    public void Search(int digit, ReadOnlySpan<float> images, int count, float[] scratch, Span<int> best, Span<float> value)
    {
        int s = Samples;
        Span<float> scores = scratch.AsSpan(0, count * s);
        Gemm.Multiply(false, true, count, s, P, -2f, images[..(count * P)], P, _images[digit], P, 0f, scores, s);
        float[] offsets = _offsets[digit];
        for (int i = 0; i < count; i++)
        {
            Span<float> row = scores.Slice(i * s, s);
            TensorPrimitives.Add(row, offsets, row);
            int j = TensorPrimitives.IndexOfMin(row);
            ReadOnlySpan<float> x = images.Slice(i * P, P);
            best[i] = j;
            value[i] = row[j] + TensorPrimitives.Dot(x, x);
        }
    }
}
