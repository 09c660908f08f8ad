using FoolingCluster.Evolution.Genomes;

namespace FoolingCluster.Evolution.Encodings;

/// <summary>Everything the search needs to know about one kind of genome (its messages are <c>FoolingCluster.Runs.Codecs.GenomeCodec</c>).</summary>
/// <typeparam name="TGenome">Genome type.</typeparam>
public interface IEncoding<TGenome>
{
    /// <summary>"direct" or "cppn", as written in configurations and snapshots.</summary>
    string Name { get; }

    /// <summary>Shape of the images genomes decode to.</summary>
    ImageShape Shape { get; }

    /// <summary>Random genomes, mutation and crossover.</summary>
    IVariation<TGenome> Variation { get; }

    /// <summary>Genome → image.</summary>
    IGenomeDecoder<TGenome> Decoder { get; }
}
