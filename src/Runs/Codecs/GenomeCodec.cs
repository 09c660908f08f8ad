using FoolingCluster.Evolution.Encodings;
using FoolingCluster.Evolution.Genomes;
using FoolingCluster.Evolution.Genomes.Cppn;
using FoolingCluster.Evolution.Genomes.Direct;
using FoolingCluster.Protocol.Messages;

namespace FoolingCluster.Runs.Codecs;

/// <summary>
/// Genomes as protobuf messages (<see cref="GenomeMessage"/>), for jobs, results, snapshots and
/// the journal. A message may come from another machine or a damaged file, so reading one checks
/// everything the search relies on and bounds what it may allocate.
/// </summary>
public static class GenomeCodec
{
    /// <summary>Most nodes a received CPPN may have; far beyond what evolution grows, small enough to bound memory.</summary>
    public const int MaxCppnNodes = 4096;

    /// <summary>Most connections a received CPPN may have.</summary>
    public const int MaxCppnConnections = 65536;

    /// <summary>The genome as a message.</summary>
    /// <exception cref="NotSupportedException">The encoding is neither CPPN nor direct.</exception>
    public static GenomeMessage ToMessage<TGenome>(this IEncoding<TGenome> encoding, TGenome genome)
    {
        ArgumentNullException.ThrowIfNull(encoding);
        ArgumentNullException.ThrowIfNull(genome);
        return genome switch
        {
            CppnGenome cppn => Cppn(cppn),
            DirectGenome direct => Direct(direct),
            _ => throw new NotSupportedException($"no message for genomes of encoding '{encoding.Name}'"),
        };
    }

    /// <summary>A genome of <paramref name="encoding"/> from a message.</summary>
    /// <exception cref="InvalidGenomeException">The message is not a valid genome of this encoding and shape.</exception>
    public static TGenome FromMessage<TGenome>(this IEncoding<TGenome> encoding, GenomeMessage message)
    {
        ArgumentNullException.ThrowIfNull(encoding);
        ArgumentNullException.ThrowIfNull(message);
        object genome = encoding.Name switch
        {
            CppnEncoding.EncodingName => Cppn(message, encoding.Shape),
            DirectEncoding.EncodingName => Direct(message, encoding.Shape),
            _ => throw new NotSupportedException($"no message for genomes of encoding '{encoding.Name}'"),
        };
        return (TGenome)genome;
    }

    private static GenomeMessage Cppn(CppnGenome genome)
    {
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

    private static CppnGenome Cppn(GenomeMessage message, ImageShape shape)
    {
        if (message.EncodingCase != GenomeMessage.EncodingOneofCase.Cppn)
        {
            throw new InvalidGenomeException($"expected a CPPN genome, got {message.EncodingCase}");
        }

        CppnGenomeMessage cppn = message.Cppn;
        CheckShape(new ImageShape(cppn.Channels, cppn.Height, cppn.Width), shape);
        if (cppn.Nodes.Count > MaxCppnNodes || cppn.Connections.Count > MaxCppnConnections)
        {
            throw new InvalidGenomeException($"a CPPN may have at most {MaxCppnNodes} nodes and {MaxCppnConnections} connections (got {cppn.Nodes.Count} and {cppn.Connections.Count})");
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

    private static GenomeMessage Direct(DirectGenome genome)
    {
        var message = new DirectGenomeMessage { Channels = genome.Shape.Channels, Height = genome.Shape.Height, Width = genome.Shape.Width };
        message.Genes.AddRange(genome.Genes.ToArray());
        return new GenomeMessage { Direct = message };
    }

    private static DirectGenome Direct(GenomeMessage message, ImageShape shape)
    {
        if (message.EncodingCase != GenomeMessage.EncodingOneofCase.Direct)
        {
            throw new InvalidGenomeException($"expected a direct genome, got {message.EncodingCase}");
        }

        DirectGenomeMessage direct = message.Direct;
        CheckShape(new ImageShape(direct.Channels, direct.Height, direct.Width), shape);
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

    private static void CheckShape(ImageShape received, ImageShape expected)
    {
        if (received != expected)
        {
            throw new InvalidGenomeException($"the genome draws {received} images; this run draws {expected}");
        }
    }
}
