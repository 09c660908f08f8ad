using FoolingCluster.Tensors;
using FoolingCluster.Tensors.NN;

namespace FoolingCluster.Models.Abs;

/// <summary>
/// The Analysis-by-Synthesis model (Schott, Rauber, Bethge &amp; Brendel, ICLR 2019): one VAE
/// per class, and an image is given to the class whose VAE explains it best, by the ELBO of the
/// best latent found by optimisation. Robust by construction rather than by training.
/// </summary>
/// <remarks>
/// <para>
/// Inference, per image and class: the best of <see cref="AbsSettings.Samples"/> prior samples
/// decoded once and kept (<see cref="PrototypeBank"/>), then <see cref="AbsSettings.Steps"/>
/// passes of Adam on the latent within <see cref="AbsSettings.Radius"/>
/// (<see cref="LatentRefinement"/>). Batches of images share the decoder passes; classes and
/// batches run in parallel on all cores. A batch takes seconds, so inference observes the
/// token of the caller's <see cref="StopScope"/> and stops within a step once it is cancelled.
/// </para>
/// <para>
/// As a <see cref="Module"/> it maps images <c>[N,1,28,28]</c> in [0,1] to the logits of
/// <see cref="AbsConfidence.CalibratedLogits"/>, whose softmax is ABS's calibrated probability,
/// so every caller that takes a module's softmax (evaluation, the search, attacks) gets ABS's
/// confidence. <see cref="Logits"/> gives the plain −ELBO. Neither records on the tape: ABS
/// has no useful input gradient (the paper attacks it with the Latent Descent attack); the
/// decision attacks take it as <c>new LogitsOnlyModel(abs.Logits)</c>.
/// </para>
/// </remarks>
public sealed class AbsModel : Module
{
    /// <summary>Classes, one VAE each.</summary>
    public const int Classes = 10;

    private const int P = ClassVae.ImageSize;
    private const int D = ClassVae.LatentSize;

    /// <summary>Images refined together per class: small enough that a batch's buffers stay in cache, large enough to fill the kernels.</summary>
    private const int Chunk = 32;

    /// <summary>
    /// Images per call that give every core whole chunks to refine (a chunk per core, at least
    /// two): what a caller that wants to report or stop between batches should send at once,
    /// rather than the hundreds a network takes, since each image costs ABS milliseconds.
    /// </summary>
    public static int CoreBatch => Chunk * Math.Max(2, Engine.Threads);

    private readonly ClassVae[] _vaes;
    private readonly Prepared _prepared;

    /// <summary>Assembles the model from trained VAEs.</summary>
    /// <param name="vaes">The VAE of each class, class 0 first.</param>
    /// <param name="settings">How to classify.</param>
    public AbsModel(IReadOnlyList<ClassVae> vaes, AbsSettings settings)
        : this(vaes, settings, new Prepared())
    {
    }

    private AbsModel(IReadOnlyList<ClassVae> vaes, AbsSettings settings, Prepared prepared)
    {
        ArgumentNullException.ThrowIfNull(vaes);
        ArgumentNullException.ThrowIfNull(settings);
        if (vaes.Count != Classes)
        {
            throw new ArgumentException($"the ABS model needs {Classes} VAEs, one per class (got {vaes.Count})", nameof(vaes));
        }

        _vaes = [.. vaes];
        for (int c = 0; c < Classes; c++)
        {
            RegisterModule($"vae_{c}", _vaes[c]);
        }

        Settings = settings;
        _prepared = prepared;
        Eval();
    }

    /// <summary>How the model classifies.</summary>
    public AbsSettings Settings { get; }

    /// <summary>The VAE of each class.</summary>
    public IReadOnlyList<ClassVae> Vaes => _vaes;

    /// <summary>
    /// The same VAEs classifying with other settings (e.g. <see cref="AbsSettings.AsBinary"/>).
    /// The two share folded decoders and, where the prior samples are the same, their decoded
    /// images, so the binary model costs no second decoding.
    /// </summary>
    public AbsModel WithSettings(AbsSettings settings) => new(_vaes, settings, _prepared);

    /// <summary>
    /// Folds the decoders and decodes the prior samples, which the first inference does anyway;
    /// call it to keep that cost out of a measurement. Weights changed later are not seen.
    /// </summary>
    public void Prepare() => State(StopScope.Current);

    /// <summary>Classifies a batch.</summary>
    /// <param name="images"><c>[N,1,28,28]</c> in [0,1].</param>
    /// <param name="count">N.</param>
    /// <exception cref="OperationCanceledException">
    /// The token of the caller's <see cref="StopScope"/> was cancelled: checked between chunks of
    /// images and at every Adam step, so a stop comes within one step of one chunk.
    /// </exception>
    public AbsInference Infer(ReadOnlySpan<float> images, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (images.Length != count * P)
        {
            throw new ShapeMismatchException($"ABS inference: images hold {images.Length} values but {count} images of [1,28,28] need {count * P}");
        }

        float[] x = images.ToArray();
        if (Settings.Binary)
        {
            for (int i = 0; i < x.Length; i++)
            {
                x[i] = x[i] >= 0.5f ? 1f : 0f;
            }
        }

        CancellationToken cancel = StopScope.Current;
        (FrozenDecoder[] decoders, PrototypeBank bank) = State(cancel);
        var elbos = new float[count * Classes];
        var latents = new float[count * Classes * D];
        int chunks = (count + Chunk - 1) / Chunk;
        AbsSettings settings = Settings;
        Parallel.For(
            0,
            chunks * Classes,
            new ParallelOptions { MaxDegreeOfParallelism = Engine.Threads, CancellationToken = cancel },
            () => new Scratch(decoders[0].CreateWorkspace(Chunk), bank.CreateScratch(Chunk)),
            (task, _, scratch) =>
            {
                int c = task % Classes, start = task / Classes * Chunk;
                int n = Math.Min(Chunk, count - start);
                ReadOnlySpan<float> chunk = x.AsSpan(start * P, n * P);
                Span<int> best = scratch.Best.AsSpan(0, n);
                Span<float> value = scratch.Value.AsSpan(0, n);
                bank.Search(c, chunk, n, scratch.Scores, best, value);
                Span<float> z = scratch.Latents.AsSpan(0, n * D);
                for (int i = 0; i < n; i++)
                {
                    bank.Latents.AsSpan(best[i] * D, D).CopyTo(z.Slice(i * D, D));
                }

                LatentRefinement.Refine(decoders[c], chunk, n, z, value, settings, scratch.Workspace, cancel);
                float scale = settings.ClassScales?[c] ?? 1f;
                for (int i = 0; i < n; i++)
                {
                    int image = start + i;
                    elbos[(image * Classes) + c] = value[i] * scale;
                    z.Slice(i * D, D).CopyTo(latents.AsSpan(((image * Classes) + c) * D, D));
                }

                return scratch;
            },
            _ => { });
        return new AbsInference(count, elbos, latents);
    }

    /// <summary>The paper's logits, −ELBO per class.</summary>
    /// <param name="images"><c>[N,1,28,28]</c> in [0,1].</param>
    /// <returns><c>[N,10]</c>, in the caller's <see cref="TensorScope"/>.</returns>
    public Tensor Logits(Tensor images)
    {
        RequireImages(images);
        return Tensor.FromArray(Infer(images.Span, images.Dim(0)).Logits(), images.Dim(0), Classes);
    }

    /// <summary>
    /// Logits whose softmax is ABS's calibrated probability (<see cref="AbsConfidence.CalibratedLogits"/>).
    /// </summary>
    /// <param name="x"><c>[N,1,28,28]</c> in [0,1].</param>
    /// <returns><c>[N,10]</c>.</returns>
    public override Tensor Forward(Tensor x)
    {
        RequireImages(x);
        float[] logits = Infer(x.Span, x.Dim(0)).Logits();
        Tensor y = Tensor.Empty(x.Dim(0), Classes);
        AbsConfidence.CalibratedLogits(logits, Settings.LogitScale, Settings.ConfidenceLevel, y.Span);
        return y;
    }

    private (FrozenDecoder[] Decoders, PrototypeBank Bank) State(CancellationToken cancel)
    {
        AbsSettings s = Settings;
        return _prepared.Get(_vaes, (s.Samples, s.DismissFraction, s.Seed, s.Beta), cancel);
    }

    private static void RequireImages(Tensor images)
    {
        if (images.Rank != 4 || images.Dim(1) != 1 || images.Dim(2) != 28 || images.Dim(3) != 28)
        {
            throw new ShapeMismatchException($"ABS: images have shape {Tensor.ShapeString(images.Shape)} but must be [N,1,28,28]");
        }
    }

    /// <summary>
    /// The folded decoders, and the decoded prior samples for each choice of prior (count,
    /// dismissed share, seed, β), shared by models made from one another with
    /// <see cref="WithSettings"/>.
    /// </summary>
    private sealed class Prepared
    {
        private readonly Dictionary<(int, double, int, float), PrototypeBank> _banks = [];
        private FrozenDecoder[]? _decoders;

        /// <remarks>A stop while the samples are decoded keeps no bank, so the next call decodes them afresh.</remarks>
        public (FrozenDecoder[] Decoders, PrototypeBank Bank) Get(ClassVae[] vaes, (int Samples, double Dismiss, int Seed, float Beta) prior, CancellationToken cancel)
        {
            lock (_banks)
            {
                _decoders ??= vaes.Select(v => new FrozenDecoder(v)).ToArray();
                if (!_banks.TryGetValue(prior, out PrototypeBank? bank))
                {
                    float[] latents = LatentPrior.Draw(prior.Samples, prior.Dismiss, prior.Seed);
                    bank = new PrototypeBank(_decoders, latents, prior.Beta, Engine.Threads, cancel);
                    _banks[prior] = bank;
                }

                return (_decoders, bank);
            }
        }
    }

    /// <summary>One worker's buffers, reused across its tasks.</summary>
    private sealed class Scratch(DecoderWorkspace workspace, float[] scores)
    {
        public DecoderWorkspace Workspace { get; } = workspace;

        public float[] Scores { get; } = scores;

        public int[] Best { get; } = new int[Chunk];

        public float[] Value { get; } = new float[Chunk];

        public float[] Latents { get; } = new float[Chunk * D];
    }
}
