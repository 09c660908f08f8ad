using FoolingCluster.Evolution.Genomes;

namespace FoolingCluster.Evolution.Evaluation;

/// <summary>The model being fooled: images in, class probabilities out.</summary>
public interface IImageClassifier
{
    /// <summary>Shape of one input image.</summary>
    ImageShape InputShape { get; }

    /// <summary>Number of classes K.</summary>
    int Classes { get; }

    /// <summary>Classifies <paramref name="count"/> images.</summary>
    /// <param name="images"><c>[N,C,H,W]</c> in [0,1], N = count.</param>
    /// <param name="count">N.</param>
    /// <param name="probabilities">Receives softmax outputs, <c>[N,K]</c>; each row sums to 1.</param>
    void Classify(ReadOnlySpan<float> images, int count, Span<float> probabilities);
}
