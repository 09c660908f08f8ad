using FoolingCluster.Evolution.Evaluation;
using FoolingCluster.Evolution.Genomes;

namespace FoolingCluster.Evolution.Tests.Support;

/// <summary>
/// A deterministic stand-in for a network: the image is cut into K equal runs of values and
/// class k's logit is <c>scale</c> times the mean of run k, so brighter regions win.
/// </summary>
internal sealed class MeanClassifier(ImageShape shape, int classes, float scale = 20f) : IImageClassifier
{
    public ImageShape InputShape => shape;

    public int Classes => classes;

    public int Calls { get; private set; }

    public void Classify(ReadOnlySpan<float> images, int count, Span<float> probabilities)
    {
        Calls++;
        int size = shape.Size;
        var logits = new float[count * classes];
        for (int n = 0; n < count; n++)
        {
            ReadOnlySpan<float> image = images.Slice(n * size, size);
            for (int k = 0; k < classes; k++)
            {
                int start = k * size / classes;
                int end = (k + 1) * size / classes;
                float sum = 0;
                for (int i = start; i < end; i++)
                {
                    sum += image[i];
                }

                logits[(n * classes) + k] = scale * sum / Math.Max(1, end - start);
            }
        }

        ModuleClassifier.Softmax(logits, probabilities[..(count * classes)], classes);
    }
}
