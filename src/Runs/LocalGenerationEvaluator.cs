using FoolingCluster.Evolution.Evaluation;
using FoolingCluster.Evolution.Genomes;
using FoolingCluster.Evolution.Scheduling;
using FoolingCluster.Models.Imaging;

namespace FoolingCluster.Runs;

/// <summary>A generation bred, drawn and classified in this process.</summary>
/// <typeparam name="TGenome">Genome type.</typeparam>
public sealed class LocalGenerationEvaluator<TGenome>(Evaluator<TGenome> evaluator, ImageShape shape) : IGenerationEvaluator<TGenome>
{
    /// <inheritdoc/>
    public GenerationResult RunGeneration(Scheduler<TGenome> scheduler, float recordThreshold, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        IReadOnlyList<TGenome> candidates = scheduler.Ask();
        EvaluatedBatch batch = evaluator.Evaluate(candidates);
        int generation = scheduler.NextGeneration;
        scheduler.Tell(candidates, batch.Probabilities);
        return new GenerationResult(batch.Count, FoundImages.Above(batch.Images, batch.Probabilities, batch.Count, shape, scheduler.Archive.Cells, recordThreshold, generation));
    }
}

/// <summary>Picks out the images of a batch whose top probability reaches a threshold.</summary>
public static class FoundImages
{
    /// <summary>The qualifying images as 8-bit records.</summary>
    /// <param name="images"><c>[N,C,H,W]</c>, 8-bit exact.</param>
    /// <param name="probabilities"><c>[N,K]</c>.</param>
    public static IReadOnlyList<FoundImage> Above(ReadOnlySpan<float> images, ReadOnlySpan<float> probabilities, int count, ImageShape shape, int classes, float threshold, int generation)
    {
        var found = new List<FoundImage>();
        int size = shape.Size;
        for (int n = 0; n < count; n++)
        {
            ReadOnlySpan<float> p = probabilities.Slice(n * classes, classes);
            int label = System.Numerics.Tensors.TensorPrimitives.IndexOfMax(p);
            if (p[label] >= threshold)
            {
                ReadOnlySpan<float> image = images.Slice(n * size, size);
                var pixels = new byte[size];
                for (int i = 0; i < size; i++)
                {
                    pixels[i] = PixelQuantizer.ToByte(image[i]);
                }

                found.Add(new FoundImage(label, p[label], generation, pixels));
            }
        }

        return found;
    }
}
