using FoolingCluster.Evolution.Genomes;
using FoolingCluster.Evolution.Genomes.Direct;
using FoolingCluster.Protocol.Messages;

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

    /// <inheritdoc/>
    public GenomeMessage ToMessage(DirectGenome genome)
    {
        ArgumentNullException.ThrowIfNull(genome);
        var message = new DirectGenomeMessage { Channels = genome.Shape.Channels, Height = genome.Shape.Height, Width = genome.Shape.Width };
        message.Genes.AddRange(genome.Genes.ToArray());
        return new GenomeMessage { Direct = message };
    }

    /// <inheritdoc/>
    public DirectGenome FromMessage(GenomeMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.EncodingCase != GenomeMessage.EncodingOneofCase.Direct)
        {
            throw new InvalidGenomeException($"expected a direct genome, got {message.EncodingCase}");
        }

        DirectGenomeMessage direct = message.Direct;
        var messageShape = new ImageShape(direct.Channels, direct.Height, direct.Width);
        if (messageShape != shape)
        {
            throw new InvalidGenomeException($"the genome draws {messageShape} images; this run draws {shape}");
        }

        if (direct.Genes.Count != shape.Size)
        {
            throw new InvalidGenomeException($"a direct genome for {shape} has {shape.Size} genes (got {direct.Genes.Count})");
        }

        float[] genes = [.. direct.Genes];
        foreach (float g in genes)
        {
            if (!(g >= 0f && g <= 1f))
            {
                throw new InvalidGenomeException($"direct genes lie in [0,1] (got {g})");
            }
        }

        return new DirectGenome(shape, genes);
    }
}
