using FoolingCluster.Evolution.Genomes;
using FoolingCluster.Evolution.Genomes.Direct;

namespace FoolingCluster.Evolution.Encodings;

/// <summary>The direct (one gene per pixel value) encoding.</summary>
public sealed class DirectEncoding(ImageShape shape, DirectSettings settings) : IEncoding<DirectGenome>
{
    /// <summary>Name used in configurations and snapshots.</summary>
    public const string EncodingName = "direct";

    /// <inheritdoc/>
    public string Name => EncodingName;

    /// <inheritdoc/>
    public ImageShape Shape => shape;

    /// <inheritdoc/>
    public IVariation<DirectGenome> Variation { get; } = new DirectVariation(shape, settings);

    /// <inheritdoc/>
    public IGenomeDecoder<DirectGenome> Decoder { get; } = new DirectDecoder(shape);
}
