using FoolingCluster.Models.Data;
using FoolingCluster.Tensors;
using FoolingCluster.Tensors.Autograd;
using FoolingCluster.Tensors.NN;

namespace FoolingCluster.Models.Training;

/// <summary>Accuracy and confusion matrix of a classifier on a labelled set.</summary>
/// <param name="Count">Images evaluated.</param>
/// <param name="Correct">Images whose arg-max class equals the label.</param>
/// <param name="Confusion">Confusion[true, predicted] counts, <c>[K,K]</c>.</param>
public sealed record EvaluationResult(int Count, int Correct, int[,] Confusion)
{
    /// <summary>Fraction correct in [0,1].</summary>
    public double Accuracy => Count == 0 ? 0 : (double)Correct / Count;

    /// <summary>Per image, the softmax probability of the class it was given.</summary>
    public float[] Confidences { get; init; } = [];

    /// <summary>Per image, whether it was classified correctly.</summary>
    public bool[] IsCorrect { get; init; } = [];

    /// <summary>Confidences of the correctly classified images of one true class, or of all classes for null.</summary>
    public float[] CorrectConfidences(int[] labels, int? trueClass = null) =>
        [.. Confidences.Where((_, i) => IsCorrect[i] && (trueClass is null || labels[i] == trueClass))];
}

/// <summary>Runs a classifier over a dataset on the inference path (no tape, pooled buffers).</summary>
public static class Evaluation
{
    /// <summary>Images per forward pass when the caller names no batch size.</summary>
    public const int DefaultBatchSize = 500;

    /// <summary>Evaluates <paramref name="model"/> in evaluation mode, restoring its mode afterwards.</summary>
    /// <param name="model">Maps <c>[B,C,H,W]</c> to logits <c>[B,K]</c>.</param>
    /// <param name="data">Images and labels.</param>
    /// <param name="classes">K.</param>
    /// <param name="batchSize">Images per forward pass.</param>
    /// <param name="progress">Told the images evaluated after each batch; null for silence.</param>
    /// <param name="cancel">
    /// Checked between batches, and observed inside a model that takes long over one batch (its
    /// <see cref="StopScope"/>): once cancelled, the batch under way is dropped and the result
    /// covers the batches evaluated before (its <see cref="EvaluationResult.Count"/> is less than the dataset's).
    /// </param>
    public static EvaluationResult Evaluate(Module model, ImageDataset data, int classes = 10, int batchSize = DefaultBatchSize, IProgress<int>? progress = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        bool wasTraining = model.Training;
        model.Eval();
        var confusion = new int[classes, classes];
        var confidences = new float[data.Count];
        var isCorrect = new bool[data.Count];
        int correct = 0;
        int done = 0;
        using StopScope stop = StopScope.Begin(cancel);
        try
        {
            for (int start = 0; start < data.Count && !cancel.IsCancellationRequested; start += batchSize)
            {
                int b = Math.Min(batchSize, data.Count - start);
                using TensorScope scope = TensorScope.Begin();
                using NoGradScope noGrad = NoGradScope.Begin();
                Tensor x = Tensor.FromArray(data.Images.AsSpan(start * data.ImageSize, b * data.ImageSize), b, data.Channels, data.Height, data.Width);
                Tensor logits = model.Forward(x);
                int k = logits.Shape[1];
                for (int i = 0; i < b; i++)
                {
                    ReadOnlySpan<float> z = logits.Span.Slice(i * k, k);
                    int predicted = ArgMax(z);
                    int truth = data.Labels[start + i];
                    confusion[truth, predicted]++;
                    confidences[start + i] = TopProbability(z, predicted);
                    if (predicted == truth)
                    {
                        isCorrect[start + i] = true;
                        correct++;
                    }
                }

                done = start + b;
                progress?.Report(done);
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            // The model stopped inside the batch under way; the batches before it are kept below.
        }
        finally
        {
            model.Train(wasTraining);
        }

        return done == data.Count
            ? new EvaluationResult(data.Count, correct, confusion) { Confidences = confidences, IsCorrect = isCorrect }
            : new EvaluationResult(done, correct, confusion) { Confidences = confidences[..done], IsCorrect = isCorrect[..done] };
    }

    /// <summary>The softmax probability of class <paramref name="top"/>, the largest logit: <c>1 / Σⱼ e^(zⱼ − z_top)</c>, in double.</summary>
    private static float TopProbability(ReadOnlySpan<float> z, int top)
    {
        double sum = 0;
        foreach (float v in z)
        {
            sum += Math.Exp((double)v - z[top]);
        }

        return (float)(1 / sum);
    }

    /// <summary>Index of the largest value (the first on ties, or the first NaN if there is one).</summary>
    public static int ArgMax(ReadOnlySpan<float> values) => System.Numerics.Tensors.TensorPrimitives.IndexOfMax(values);
}
