using FoolingCluster.Tensors;
using FoolingCluster.Tensors.Autograd;
using FoolingCluster.Tensors.NN;

namespace FoolingCluster.Attacks;

/// <summary>
/// A network as the target of attacks that differentiate its logits: <see cref="ModuleAttackModel"/>'s
/// logits and loss gradient, plus <see cref="Differentiate"/> on the tape.
/// </summary>
/// <remarks>
/// Batches are processed in slices of <c>maxBatch</c> images; each slice is one forward pass and
/// one backward pass per seed over the same recorded graph. Not thread-safe, like <see cref="ModuleAttackModel"/>.
/// </remarks>
public sealed class ModuleLogitGradientModel : ILogitGradientModel
{
    private readonly Module _module;
    private readonly ModuleAttackModel _plain;

    /// <summary>Wraps <paramref name="module"/> and switches it to evaluation mode.</summary>
    /// <param name="module">Maps <c>[B,C,H,W]</c> to logits <c>[B,K]</c>.</param>
    /// <param name="maxBatch">Images per forward pass.</param>
    public ModuleLogitGradientModel(Module module, int maxBatch = 256)
    {
        _plain = new ModuleAttackModel(module, maxBatch);
        _module = module;
    }

    /// <summary>Images per forward pass.</summary>
    public int MaxBatch => _plain.MaxBatch;

    /// <inheritdoc/>
    public Tensor Logits(Tensor images) => _plain.Logits(images);

    /// <inheritdoc/>
    public Tensor LossGradient(Tensor images, ReadOnlySpan<int> labels) => _plain.LossGradient(images, labels);

    /// <inheritdoc/>
    public LogitGradients Differentiate(Tensor images, LogitSeeds seeds)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(seeds);
        if (images.Rank < 2 || images.Shape[0] < 1)
        {
            throw new ShapeMismatchException($"images must be [N,C,H,W] with N ≥ 1; got {Tensor.ShapeString(images.Shape)}");
        }

        int n = images.Shape[0];
        int size = images.Size / n;
        Tensor? logits = null;
        Tensor[]? gradients = null;
        for (int start = 0; start < n; start += MaxBatch)
        {
            int b = Math.Min(MaxBatch, n - start);
            using TensorScope scope = TensorScope.Begin();
            int[] shape = (int[])images.Shape.Clone();
            shape[0] = b;
            Tensor x = Tensor.FromArray(images.Span.Slice(start * size, b * size), shape);
            x.RequiresGrad = true;
            Tensor z = _module.Forward(x);
            if (z.Rank != 2 || z.Shape[0] != b)
            {
                throw new ShapeMismatchException($"the model's logits must be [{b},K]; got {Tensor.ShapeString(z.Shape)}");
            }

            ModuleAttackModel.RequireGradientPath(z, x);
            int k = z.Shape[1];
            Tensor[] sliceSeeds = seeds(z, start);
            if (gradients is not null && sliceSeeds.Length != gradients.Length)
            {
                throw new InvalidOperationException($"the seeds callback returned {sliceSeeds.Length} seeds for images from {start} but {gradients.Length} before");
            }

            // The results are created inside the slice's scope and moved out to the caller's.
            logits ??= scope.Keep(Tensor.Empty(n, k));
            gradients ??= sliceSeeds.Select(_ => scope.Keep(Tensor.Empty(images.Shape))).ToArray();
            z.Span.CopyTo(logits.Span.Slice(start * k, b * k));
            for (int j = 0; j < sliceSeeds.Length; j++)
            {
                if (!Tensor.SameShape(sliceSeeds[j].Shape, z.Shape))
                {
                    throw new ShapeMismatchException($"seed {j} is {Tensor.ShapeString(sliceSeeds[j].Shape)} but the logits are {Tensor.ShapeString(z.Shape)}");
                }

                Tape.Grad(z, x, sliceSeeds[j]).Span.CopyTo(gradients[j].Span.Slice(start * size, b * size));
            }
        }

        return new LogitGradients(logits!, gradients!);
    }
}
