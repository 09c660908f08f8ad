using System.Globalization;
using FoolingCluster.Tensors;

namespace FoolingCluster.Attacks.Decision;

/// <summary>How a <see cref="GradientEstimator"/> probes the loss.</summary>
public enum GradientEstimation
{
    /// <summary>
    /// Antithetic Gaussian directions u (natural evolution strategies; Ilyas et al. 2018):
    /// <c>ĝ = 1/(2hm) Σₖ [L(x + h·uₖ) − L(x − h·uₖ)]·uₖ</c> over m pairs, unbiased to first order
    /// since E[u uᵀ] = I; its cosine to the true gradient is about <c>1/√(1 + (d+1)/m)</c> in d dimensions.
    /// </summary>
    Antithetic,

    /// <summary>Central differences along every coordinate: <c>ĝⱼ = [L(x + h·eⱼ) − L(x − h·eⱼ)]/(2h)</c>, 2d queries per image.</summary>
    CoordinateWise,
}

/// <summary>
/// A model that exposes only logits, turned into an <see cref="IAttackModel"/> by estimating the
/// loss gradient from finite differences of the cross-entropy (Foolbox 2's gradient estimators;
/// "with GE" in Schott et al. 2019), so that FGSM, BIM and PGD run against models without usable
/// gradients; and, from the same probes of the logits, any logit gradient DeepFool or
/// Carlini–Wagner asks for.
/// </summary>
/// <remarks>
/// The probes <c>x ± h·u</c> are not clipped: they leave [0,1] by at most a few h, and the model
/// is asked about them as they are. The cross-entropy of each probe is computed in double from
/// its logits as <c>log(1 + Σ_{j≠y} exp(zⱼ − z_y))</c>, so images classified with near
/// certainty still give differences above rounding. Probes of several images share a batch of
/// up to <c>maxBatch</c> images. Each image's directions are drawn from the seed and the image's
/// own pixels, so an estimate does not depend on batching or on earlier calls. An estimate asks
/// the model many times; before each batch of probes it checks the token of the caller's
/// <see cref="StopScope"/>, so a stop need not wait for the whole estimate. Not thread-safe:
/// <see cref="Queries"/> is a plain counter.
/// </remarks>
public sealed class GradientEstimator : ILogitGradientModel
{
    private readonly ILogitsModel _model;
    private readonly int _maxBatch;

    private GradientEstimator(ILogitsModel model, GradientEstimation method, int samples, float step, int seed, int maxBatch)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!(step > 0 && float.IsFinite(step)))
        {
            throw new ArgumentOutOfRangeException(nameof(step), step, "the difference step must be a finite number > 0");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 2);
        _model = model;
        Method = method;
        Samples = samples;
        Step = step;
        Seed = seed;
        _maxBatch = maxBatch;
    }

    /// <summary>Estimates from <paramref name="samples"/> probes per image along antithetic Gaussian directions.</summary>
    /// <param name="model">The model; only its logits are used.</param>
    /// <param name="samples">Probes per image, an even number ≥ 2 (half as many directions).</param>
    /// <param name="step">The difference step h along each direction.</param>
    /// <param name="seed">Seed of the directions.</param>
    /// <param name="maxBatch">Probe images per call to the model, at least 2.</param>
    public static GradientEstimator Antithetic(ILogitsModel model, int samples = 100, float step = 1e-3f, int seed = 0, int maxBatch = 256)
    {
        if (samples < 2 || samples % 2 != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(samples), samples, "antithetic probes come in pairs: an even number ≥ 2");
        }

        return new GradientEstimator(model, GradientEstimation.Antithetic, samples, step, seed, maxBatch);
    }

    /// <summary>Estimates from central differences along every coordinate (2 probes per value per image).</summary>
    /// <param name="model">The model; only its logits are used.</param>
    /// <param name="step">The difference step h.</param>
    /// <param name="maxBatch">Probe images per call to the model, at least 2.</param>
    public static GradientEstimator CoordinateWise(ILogitsModel model, float step = 1e-3f, int maxBatch = 256) =>
        new(model, GradientEstimation.CoordinateWise, samples: 0, step, seed: 0, maxBatch);

    /// <summary>How the loss is probed.</summary>
    public GradientEstimation Method { get; }

    /// <summary>Probes per image for <see cref="GradientEstimation.Antithetic"/>; 0 for coordinate-wise (2 per value).</summary>
    public int Samples { get; }

    /// <summary>The difference step h.</summary>
    public float Step { get; }

    /// <summary>Seed of the directions.</summary>
    public int Seed { get; }

    /// <summary>Images sent to the model so far, probes and plain logits together.</summary>
    public long Queries { get; private set; }

    /// <summary>A short description for reports.</summary>
    public string Describe() => Method == GradientEstimation.Antithetic
        ? string.Create(CultureInfo.InvariantCulture, $"antithetic gradient estimate, {Samples} probes, step {Step:G3}, seed {Seed}")
        : string.Create(CultureInfo.InvariantCulture, $"coordinate-wise gradient estimate, step {Step:G3}");

    /// <inheritdoc/>
    public Tensor Logits(Tensor images)
    {
        ArgumentNullException.ThrowIfNull(images);
        Queries += images.Shape[0];
        return _model.Logits(images);
    }

    /// <summary>
    /// An estimate of the gradient of <c>Σᵢ CE(f(xᵢ), yᵢ)</c> with respect to the images, row i
    /// from sample i's own loss alone.
    /// </summary>
    /// <param name="images"><c>[N,C,H,W]</c> in [0,1].</param>
    /// <param name="labels">N classes: the true labels (to ascend) or the targets (to descend).</param>
    /// <returns><c>[N,C,H,W]</c> in the caller's scope.</returns>
    public Tensor LossGradient(Tensor images, ReadOnlySpan<int> labels)
    {
        int n = CheckImages(images);
        if (labels.Length != n)
        {
            throw new ShapeMismatchException($"{labels.Length} labels for {n} images");
        }

        int[] label = labels.ToArray();
        Tensor gradient = Tensor.Zeros(images.Shape);
        Estimate(images, [gradient], (i, plus, minus, differences) => differences[0] = CrossEntropy(plus, label[i]) - CrossEntropy(minus, label[i]));
        return gradient;
    }

    /// <summary>
    /// Estimates of the vector–Jacobian products <c>∂(Σᵢₖ Sᵢₖ·zᵢₖ)/∂x</c> from the same probes for
    /// every seed, the seeds computed once from the logits at the images: what DeepFool and
    /// Carlini–Wagner need, "with GE".
    /// </summary>
    /// <param name="images"><c>[N,C,H,W]</c> in [0,1].</param>
    /// <param name="seeds">Called once, with the logits of all N images.</param>
    /// <returns>The logits at the images and one estimated gradient per seed, in the caller's scope.</returns>
    public LogitGradients Differentiate(Tensor images, LogitSeeds seeds)
    {
        ArgumentNullException.ThrowIfNull(seeds);
        CheckImages(images);
        Tensor logits = Logits(images);
        int k = logits.Shape[1];
        float[][] seed = [.. seeds(logits, 0).Select(t => t.ToArray())];
        Tensor[] gradients = [.. seed.Select(_ => Tensor.Zeros(images.Shape))];
        Estimate(images, gradients, (i, plus, minus, differences) =>
        {
            for (int g = 0; g < seed.Length; g++)
            {
                double sum = 0;
                ReadOnlySpan<float> s = seed[g].AsSpan(i * k, k);
                for (int j = 0; j < k; j++)
                {
                    sum += s[j] * ((double)plus[j] - minus[j]);
                }

                differences[g] = sum;
            }
        });
        return new LogitGradients(logits, gradients);
    }

    private static int CheckImages(Tensor images)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Rank < 2 || images.Shape[0] < 1)
        {
            throw new ShapeMismatchException($"images must be [N,C,H,W] with N ≥ 1; got {Tensor.ShapeString(images.Shape)}");
        }

        return images.Shape[0];
    }

    /// <summary>
    /// Probes every image along <see cref="Samples"/>/2 directions (or every coordinate) and adds
    /// <c>weight·Δ/(2h)·u</c> to each gradient, Δ being what <paramref name="difference"/> makes of
    /// the two probes' logits.
    /// </summary>
    /// <param name="images"><c>[N,C,H,W]</c>.</param>
    /// <param name="gradients">Zeroed tensors of the images' shape, one per estimated function.</param>
    /// <param name="difference">Given the image index and the logits at x + h·u and x − h·u, writes f(x + h·u) − f(x − h·u) for each function.</param>
    private void Estimate(Tensor images, Tensor[] gradients, ProbeDifference difference)
    {
        int n = images.Shape[0];
        int size = Rows.SampleSize(images);
        int pairs = Method == GradientEstimation.Antithetic ? Samples / 2 : size;
        double weight = Method == GradientEstimation.Antithetic ? 1.0 / pairs : 1.0;
        int slots = _maxBatch / 2;
        var batch = new ProbeBatch(slots, size);
        ReadOnlySpan<float> x = images.Span;
        double[] differences = new double[gradients.Length];
        NoiseSource? directions = null;
        CancellationToken stop = StopScope.Current;
        for (long task = 0; task < (long)n * pairs; task++)
        {
            int i = (int)(task / pairs);
            int k = (int)(task % pairs);
            Span<float> u = batch.Direction(batch.Filled);
            if (Method == GradientEstimation.Antithetic)
            {
                // Each image's directions come from the seed and the image itself, so an estimate
                // does not depend on the batch it is in or on earlier calls: a sharded evaluation
                // gives what an in-process one gives.
                if (k == 0)
                {
                    directions = NoiseSource.For(Seed, x.Slice(i * size, size));
                }

                directions!.FillGaussian(u);
            }
            else
            {
                u.Clear();
                u[k] = 1f;
            }

            batch.Add(x.Slice(i * size, size), i, Step);
            if (batch.Filled == slots || task == ((long)n * pairs) - 1)
            {
                stop.ThrowIfCancellationRequested();
                using TensorScope scope = TensorScope.Begin();
                Tensor logits = Logits(Rows.Wrap(batch.Probes, 2 * batch.Filled, images));
                int classes = logits.Shape[1];
                ReadOnlySpan<float> z = logits.Span;
                for (int s = 0; s < batch.Filled; s++)
                {
                    int owner = batch.Owner(s);
                    difference(owner, z.Slice(2 * s * classes, classes), z.Slice(((2 * s) + 1) * classes, classes), differences);
                    for (int g = 0; g < gradients.Length; g++)
                    {
                        Span<float> row = gradients[g].Span.Slice(owner * size, size);
                        System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(batch.Direction(s), (float)(weight * differences[g] / (2.0 * Step)), row, row);
                    }
                }

                batch.Clear();
            }
        }
    }

    /// <summary>Writes f(x + h·u) − f(x − h·u) for each estimated function of sample <paramref name="sample"/>'s logits.</summary>
    private delegate void ProbeDifference(int sample, ReadOnlySpan<float> plus, ReadOnlySpan<float> minus, Span<double> differences);

    /// <summary><c>log Σⱼ exp(zⱼ − z_y)</c> in double, as <c>log1p</c> of the other classes' terms when y is on top.</summary>
    internal static double CrossEntropy(ReadOnlySpan<float> z, int label)
    {
        if ((uint)label >= (uint)z.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(label), label, $"label outside [0, {z.Length})");
        }

        double zy = z[label];
        double top = double.NegativeInfinity;
        for (int j = 0; j < z.Length; j++)
        {
            if (j != label)
            {
                top = Math.Max(top, z[j] - zy);
            }
        }

        double shift = Math.Max(top, 0);
        double others = 0;
        for (int j = 0; j < z.Length; j++)
        {
            if (j != label)
            {
                others += Math.Exp(z[j] - zy - shift);
            }
        }

        return shift == 0 ? LogOnePlus(others) : shift + Math.Log(Math.Exp(-shift) + others);
    }

    /// <summary>log(1 + v), accurate for tiny v (Goldberg's correction of the rounded 1 + v).</summary>
    private static double LogOnePlus(double v)
    {
        double u = 1 + v;
        return u == 1 ? v : Math.Log(u) * v / (u - 1);
    }

    /// <summary>Probe pairs x ± h·u, the directions they were made with and the image each belongs to.</summary>
    private sealed class ProbeBatch(int slots, int size)
    {
        private readonly float[] _directions = new float[slots * size];
        private readonly int[] _owners = new int[slots];

        public float[] Probes { get; } = new float[2 * slots * size];

        public int Size => size;

        public int Filled { get; private set; }

        public Span<float> Direction(int slot) => _directions.AsSpan(slot * size, size);

        public int Owner(int slot) => _owners[slot];

        /// <summary>Writes x + h·u and x − h·u for the direction in the next slot.</summary>
        public void Add(ReadOnlySpan<float> x, int owner, float step)
        {
            Span<float> u = Direction(Filled);
            Span<float> plus = Probes.AsSpan(2 * Filled * size, size);
            Span<float> minus = Probes.AsSpan(((2 * Filled) + 1) * size, size);
            System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(u, step, x, plus);
            System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(u, -step, x, minus);
            _owners[Filled] = owner;
            Filled++;
        }

        public void Clear() => Filled = 0;
    }
}
