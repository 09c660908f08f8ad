using FoolingCluster.Evolution.Genomes;
using FoolingCluster.Tensors;
using FoolingCluster.Tensors.Autograd;
using FoolingCluster.Tensors.NN;

namespace FoolingCluster.Evolution.Evaluation;

/// <summary>
/// A trained network as the target: forward passes on the inference path (no tape, pooled
/// buffers, multithreaded kernels) and a softmax taken in double precision, so confidences
/// near 1 (the 0.9999 threshold) are not rounded away. A network with a fooling class (the
/// n+1 retraining's) reports the probabilities of the real classes only, each taken from the
/// softmax over all outputs, so an image the network puts in the fooling class scores low on all.
/// </summary>
public sealed class ModuleClassifier : IImageClassifier
{
    private readonly Module _model;
    private readonly int _maxBatch;
    private readonly int _outputs;

    /// <summary>Wraps <paramref name="model"/>, which is switched to evaluation mode.</summary>
    /// <param name="model">Maps <c>[B,C,H,W]</c> to logits <c>[B,K]</c>.</param>
    /// <param name="inputShape">Shape of one image.</param>
    /// <param name="classes">K: the classes reported.</param>
    /// <param name="maxBatch">Images per forward pass.</param>
    /// <param name="foolingOutputs">Outputs after the K real ones that take part in the softmax but are not reported (1 for a network with a fooling class).</param>
    public ModuleClassifier(Module model, ImageShape inputShape, int classes, int maxBatch = 256, int foolingOutputs = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(foolingOutputs);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        _model = model;
        _model.Eval();
        InputShape = inputShape;
        Classes = classes;
        _maxBatch = maxBatch;
        _outputs = classes + foolingOutputs;
    }

    /// <inheritdoc/>
    public ImageShape InputShape { get; }

    /// <inheritdoc/>
    public int Classes { get; }

    /// <inheritdoc/>
    public void Classify(ReadOnlySpan<float> images, int count, Span<float> probabilities)
    {
        int size = InputShape.Size;
        int k = Classes;
        int outputs = _outputs;
        if (images.Length < count * size || probabilities.Length < count * k)
        {
            throw new ShapeMismatchException($"images must be [{count},{InputShape.Channels},{InputShape.Height},{InputShape.Width}] and probabilities [{count},{k}]; got {images.Length} and {probabilities.Length} values");
        }

        for (int start = 0; start < count; start += _maxBatch)
        {
            int b = Math.Min(_maxBatch, count - start);
            using TensorScope scope = TensorScope.Begin();
            using NoGradScope noGrad = NoGradScope.Begin();
            Tensor x = Tensor.FromArray(images.Slice(start * size, b * size), b, InputShape.Channels, InputShape.Height, InputShape.Width);
            Tensor logits = _model.Forward(x);
            if (logits.Shape.Length != 2 || logits.Shape[0] != b || logits.Shape[1] != outputs)
            {
                throw new ShapeMismatchException($"the classifier's logits must be [{b},{outputs}]; got {Tensor.ShapeString(logits.Shape)}");
            }

            if (outputs == k)
            {
                Softmax(logits.Span, probabilities.Slice(start * k, b * k), k);
                continue;
            }

            float[] all = new float[b * outputs];
            Softmax(logits.Span, all, outputs);
            for (int row = 0; row < b; row++)
            {
                all.AsSpan(row * outputs, k).CopyTo(probabilities.Slice((start + row) * k, k));
            }
        }
    }

    /// <summary>Row-wise softmax of <c>[B,K]</c> logits, accumulated in double.</summary>
    internal static void Softmax(ReadOnlySpan<float> logits, Span<float> probabilities, int k)
    {
        for (int row = 0; row < logits.Length / k; row++)
        {
            ReadOnlySpan<float> l = logits.Slice(row * k, k);
            Span<float> p = probabilities.Slice(row * k, k);
            double max = double.NegativeInfinity;
            foreach (float v in l)
            {
                max = Math.Max(max, v);
            }

            double sum = 0;
            for (int j = 0; j < k; j++)
            {
                sum += Math.Exp(l[j] - max);
            }

            for (int j = 0; j < k; j++)
            {
                p[j] = (float)(Math.Exp(l[j] - max) / sum);
            }
        }
    }
}
