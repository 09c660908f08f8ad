using FoolingCluster.Evolution.Genomes;
using FoolingCluster.Evolution.Genomes.Cppn;
using FoolingCluster.Protocol.Messages;

namespace FoolingCluster.Evolution.Encodings;

/// <summary>The CPPN encoding.</summary>
public sealed class CppnEncoding(ImageShape shape, CppnSettings settings) : IEncoding<CppnGenome>
{
    /// <summary>Name used in configurations and snapshots.</summary>
    public const string EncodingName = "cppn";

    /// <summary>Most nodes a received genome may have; far beyond what evolution grows, small enough to bound memory.</summary>
    public const int MaxNodes = 4096;

    /// <summary>Most connections a received genome may have.</summary>
    public const int MaxConnections = 65536;

    /// <inheritdoc/>
    public string Name => EncodingName;

    /// <inheritdoc/>
    public ImageShape Shape => shape;

    /// <inheritdoc/>
    public IVariation<CppnGenome> Variation { get; } = new CppnVariation(shape, settings);

    /// <inheritdoc/>
    public IGenomeDecoder<CppnGenome> Decoder { get; } = new CppnDecoder(shape);

    /// <inheritdoc/>
    public GenomeMessage ToMessage(CppnGenome genome)
    {
        ArgumentNullException.ThrowIfNull(genome);
        var message = new CppnGenomeMessage
        {
            Channels = genome.Shape.Channels,
            Height = genome.Shape.Height,
            Width = genome.Shape.Width,
            NextNodeId = genome.NextNodeId,
        };
        foreach (CppnNode node in genome.Nodes)
        {
            message.Nodes.Add(new CppnNodeMessage { Id = node.Id, Kind = (CppnNodeKindMessage)node.Kind, Activation = (CppnActivationMessage)node.Activation });
        }

        foreach (CppnConnection c in genome.Connections)
        {
            message.Connections.Add(new CppnConnectionMessage { From = c.From, To = c.To, Weight = c.Weight });
        }

        return new GenomeMessage { Cppn = message };
    }

    /// <inheritdoc/>
    public CppnGenome FromMessage(GenomeMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.EncodingCase != GenomeMessage.EncodingOneofCase.Cppn)
        {
            throw new InvalidGenomeException($"expected a CPPN genome, got {message.EncodingCase}");
        }

        CppnGenomeMessage cppn = message.Cppn;
        var messageShape = new ImageShape(cppn.Channels, cppn.Height, cppn.Width);
        if (messageShape != shape)
        {
            throw new InvalidGenomeException($"the genome draws {messageShape} images; this run draws {shape}");
        }

        if (cppn.Nodes.Count > MaxNodes || cppn.Connections.Count > MaxConnections)
        {
            throw new InvalidGenomeException($"a CPPN may have at most {MaxNodes} nodes and {MaxConnections} connections (got {cppn.Nodes.Count} and {cppn.Connections.Count})");
        }

        var nodes = new List<CppnNode>(cppn.Nodes.Count);
        foreach (CppnNodeMessage n in cppn.Nodes)
        {
            if (!Enum.IsDefined((CppnNodeKind)n.Kind))
            {
                throw new InvalidGenomeException($"node {n.Id} has an unknown kind ({(int)n.Kind})");
            }

            nodes.Add(new CppnNode(n.Id, (CppnNodeKind)n.Kind, (CppnActivation)n.Activation));
        }

        IEnumerable<CppnConnection> connections = cppn.Connections.Select(c => new CppnConnection(c.From, c.To, c.Weight));
        return new CppnGenome(shape, nodes, connections, cppn.NextNodeId);
    }
}
