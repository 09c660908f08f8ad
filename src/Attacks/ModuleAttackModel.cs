using FoolingCluster.Tensors;
using FoolingCluster.Tensors.Autograd;
using FoolingCluster.Tensors.NN;

namespace FoolingCluster.Attacks;

/// <summary>
/// A network as an attack target: forwards in evaluation mode, gradients taken on the tape
/// with respect to the input only (<see cref="Tape.Grad(Tensor, Tensor, Tensor?)"/>).
/// </summary>
/// <remarks>
/// Batches larger than <c>maxBatch</c> are processed in slices of that size, so an attack
/// over the whole test set keeps the activations of one slice in memory. Not thread-safe:
/// scopes and the tape are per thread, and the module is shared.
/// </remarks>
public sealed class ModuleAttackModel : IAttackModel
{
    private readonly Module _module;
    private readonly int _maxBatch;

    /// <summary>Wraps <paramref name="module"/> and switches it to evaluation mode.</summary>
    /// <param name="module">Maps <c>[B,C,H,W]</c> to logits <c>[B,K]</c>.</param>
    /// <param name="maxBatch">Images per forward and backward pass.</param>
    public ModuleAttackModel(Module module, int maxBatch = 256)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        _module = module;
        _module.Eval();
        _maxBatch = maxBatch;
    }

    /// <summary>Images per forward and backward pass.</summary>
    public int MaxBatch => _maxBatch;

    /// <inheritdoc/>
    public Tensor Logits(Tensor images)
    {
        int n = CheckImages(images);
        int size = images.Size / n;
        float[]? all = null;
        int k = 0;
        for (int start = 0; start < n; start += _maxBatch)
        {
            int b = Math.Min(_maxBatch, n - start);
            using TensorScope scope = TensorScope.Begin();
            using NoGradScope noGrad = NoGradScope.Begin();
            Tensor logits = _module.Forward(Slice(images, start, b, size));
            if (logits.Rank != 2 || logits.Shape[0] != b)
            {
                throw new ShapeMismatchException($"the model's logits must be [{b},K]; got {Tensor.ShapeString(logits.Shape)}");
            }

            k = logits.Shape[1];
            all ??= new float[n * k];
            logits.Span.CopyTo(all.AsSpan(start * k, b * k));
        }

        return Tensor.FromArray(all, n, k);
    }

    /// <inheritdoc/>
    public Tensor LossGradient(Tensor images, ReadOnlySpan<int> labels)
    {
        int n = CheckImages(images);
        if (labels.Length != n)
        {
            throw new ShapeMismatchException($"{labels.Length} labels for {n} images");
        }

        int size = images.Size / n;
        Tensor gradient = Tensor.Empty(images.Shape);
        for (int start = 0; start < n; start += _maxBatch)
        {
            int b = Math.Min(_maxBatch, n - start);
            using TensorScope scope = TensorScope.Begin();
            Tensor x = Slice(images, start, b, size);
            x.RequiresGrad = true;
            Tensor logits = _module.Forward(x);
            RequireGradientPath(logits, x);
            Tensor seed = CrossEntropyGradient(logits, labels.Slice(start, b));
            Tape.Grad(logits, x, seed).Span.CopyTo(gradient.Span.Slice(start * size, b * size));
        }

        return gradient;
    }

    /// <summary>
    /// <c>∂ Σᵢ CE(zᵢ, yᵢ) / ∂z</c> = softmax(zᵢ) − onehot(yᵢ), row by row: summed, not averaged, so
    /// each row is its own sample's whatever the slice size.
    /// </summary>
    /// <remarks>
    /// Computed in double, with the label's entry as −Σ_{j≠y} pⱼ rather than p_y − 1: on an image
    /// classified with near certainty p_y rounds to 1 in float and p_y − 1 to 0 or to float noise,
    /// which would point the first steps of an attack in an arbitrary direction.
    /// </remarks>
    /// <param name="logits"><c>[B,K]</c>.</param>
    /// <param name="labels">B classes in [0,K).</param>
    internal static Tensor CrossEntropyGradient(Tensor logits, ReadOnlySpan<int> labels)
    {
        if (logits.Rank != 2 || logits.Shape[0] != labels.Length)
        {
            throw new ShapeMismatchException($"the model's logits must be [{labels.Length},K]; got {Tensor.ShapeString(logits.Shape)}");
        }

        int k = logits.Shape[1];
        Tensor seed = Tensor.Empty(logits.Shape);
        Span<double> p = k <= 256 ? stackalloc double[k] : new double[k];
        for (int i = 0; i < labels.Length; i++)
        {
            int label = labels[i];
            if ((uint)label >= (uint)k)
            {
                throw new ArgumentOutOfRangeException(nameof(labels), label, $"label {label} of sample {i} is outside [0, {k})");
            }

            ReadOnlySpan<float> z = logits.Span.Slice(i * k, k);
            Span<float> g = seed.Span.Slice(i * k, k);
            double max = double.NegativeInfinity;
            foreach (float v in z)
            {
                max = Math.Max(max, v);
            }

            double sum = 0;
            for (int j = 0; j < k; j++)
            {
                p[j] = Math.Exp(z[j] - max);
                sum += p[j];
            }

            double others = 0;
            for (int j = 0; j < k; j++)
            {
                double pj = p[j] / sum;
                g[j] = (float)pj;
                others += j == label ? 0 : pj;
            }

            g[label] = (float)-others;
        }

        return seed;
    }

    /// <summary>
    /// Refuses a module whose logits are not recorded on the tape from its input (ABS classifies by
    /// optimisation outside the tape): the tape would report a zero gradient, which an attack
    /// would take for a flat loss and the report for robustness.
    /// </summary>
    /// <exception cref="InvalidInputException">The logits do not depend on the images on the tape.</exception>
    internal static void RequireGradientPath(Tensor logits, Tensor images)
    {
        if (!Tape.DependsOn(logits, images))
        {
            throw new InvalidInputException("this model computes its output without recording gradients (as ABS does), so it has no exact input gradient; attack it with gradients estimated from probes");
        }
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

    private static Tensor Slice(Tensor images, int start, int count, int size)
    {
        int[] shape = (int[])images.Shape.Clone();
        shape[0] = count;
        return Tensor.FromArray(images.Span.Slice(start * size, count * size), shape);
    }
}
