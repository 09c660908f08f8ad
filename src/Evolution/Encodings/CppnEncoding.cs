using FoolingCluster.Evolution.Genomes;
using FoolingCluster.Evolution.Genomes.Cppn;

namespace FoolingCluster.Evolution.Encodings;

/// <summary>The CPPN encoding.</summary>
public sealed class CppnEncoding(ImageShape shape, CppnSettings settings) : IEncoding<CppnGenome>
{
    /// <summary>Name used in configurations and snapshots.</summary>
    public const string EncodingName = "cppn";

    /// <inheritdoc/>
    public string Name => EncodingName;

    /// <inheritdoc/>
    public ImageShape Shape => shape;

    /// <inheritdoc/>
    public IVariation<CppnGenome> Variation { get; } = new CppnVariation(shape, settings);

    /// <inheritdoc/>
    public IGenomeDecoder<CppnGenome> Decoder { get; } = new CppnDecoder(shape);
}
