using FoolingCluster.Tensors;
using FoolingCluster.Tensors.Autograd;
using FoolingCluster.Tensors.NN;
using FoolingCluster.Tensors.Ops;

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
            // Summed, not averaged: each row of the gradient is its own sample's, whatever the slice size.
            Tensor loss = Functional.CrossEntropy(_module.Forward(x), labels.Slice(start, b), Reduction.Sum);
            Tape.Grad(loss, x).Span.CopyTo(gradient.Span.Slice(start * size, b * size));
        }

        return gradient;
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
