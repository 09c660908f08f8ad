namespace FoolingCluster.Evolution.Genomes;

/// <summary>Turns genomes into the images the classifier sees.</summary>
/// <typeparam name="TGenome">The encoding's genome type.</typeparam>
public interface IGenomeDecoder<in TGenome>
{
    /// <summary>Shape of one decoded image.</summary>
    ImageShape Shape { get; }

    /// <summary>
    /// Decodes <paramref name="genomes"/> into <paramref name="images"/>, <c>[N,C,H,W]</c> with
    /// values in [0,1], N = genomes.Count. May use several threads.
    /// </summary>
    void Render(IReadOnlyList<TGenome> genomes, Span<float> images);
}
