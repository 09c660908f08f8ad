using FoolingCluster.Evolution.Genomes;
using FoolingCluster.Protocol.Messages;

namespace FoolingCluster.Evolution.Encodings;

/// <summary>Everything the search needs to know about one kind of genome.</summary>
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

    /// <summary>The genome as a protobuf message.</summary>
    GenomeMessage ToMessage(TGenome genome);

    /// <summary>A genome from a message that may come from another machine or a damaged file.</summary>
    /// <exception cref="InvalidGenomeException">The message is not a valid genome of this encoding and shape.</exception>
    TGenome FromMessage(GenomeMessage message);
}
