using System.Diagnostics;
using FoolingCluster.Evolution.Genomes;
using FoolingCluster.Models.Imaging;
using FoolingCluster.Tensors;

namespace FoolingCluster.Evolution.Evaluation;

/// <summary>
/// Render, quantise, classify. Images are rounded to 8 bits before classification, so the
/// confidence recorded for an elite is exactly the confidence of the PNG saved for it.
/// </summary>
/// <typeparam name="TGenome">Genome type.</typeparam>
public sealed class Evaluator<TGenome>
{
    private readonly IGenomeDecoder<TGenome> _decoder;

    /// <summary>Pairs a decoder with the classifier it must fool.</summary>
    /// <exception cref="ShapeMismatchException">The decoder draws images of another shape than the classifier reads.</exception>
    public Evaluator(IGenomeDecoder<TGenome> decoder, IImageClassifier classifier)
    {
        ArgumentNullException.ThrowIfNull(decoder);
        ArgumentNullException.ThrowIfNull(classifier);
        if (decoder.Shape != classifier.InputShape)
        {
            throw new ShapeMismatchException($"the genomes draw {decoder.Shape} images but the classifier reads {classifier.InputShape}");
        }

        _decoder = decoder;
        Classifier = classifier;
    }

    /// <summary>The target.</summary>
    public IImageClassifier Classifier { get; }

    /// <summary>Evaluates <paramref name="genomes"/>.</summary>
    public EvaluatedBatch Evaluate(IReadOnlyList<TGenome> genomes)
    {
        ArgumentNullException.ThrowIfNull(genomes);
        int n = genomes.Count;
        var images = new float[n * _decoder.Shape.Size];
        var probabilities = new float[n * Classifier.Classes];
        long start = Stopwatch.GetTimestamp();
        _decoder.Render(genomes, images);
        PixelQuantizer.Quantize(images);
        double render = Stopwatch.GetElapsedTime(start).TotalSeconds;
        start = Stopwatch.GetTimestamp();
        Classifier.Classify(images, n, probabilities);
        double classify = Stopwatch.GetElapsedTime(start).TotalSeconds;
        return new EvaluatedBatch(n, images, probabilities, render, classify);
    }
}
