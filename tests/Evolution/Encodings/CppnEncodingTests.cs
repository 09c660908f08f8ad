using FoolingCluster.Evolution.Encodings;
using FoolingCluster.Evolution.Genomes;
using FoolingCluster.Evolution.Genomes.Cppn;
using FoolingCluster.Evolution.Tests.Support;
using FoolingCluster.Protocol.Messages;
using FoolingCluster.Runs.Codecs;
using Google.Protobuf;
using Xunit;

namespace FoolingCluster.Evolution.Tests.Encodings;

public class CppnEncodingTests
{
    private static readonly ImageShape s_shape = new(3, 6, 7);
    private readonly CppnEncoding _encoding = new(s_shape, new CppnSettings());

    [Fact]
    public void Names_shape_and_parts_describe_the_encoding()
    {
        Assert.Equal("cppn", _encoding.Name);
        Assert.Equal(CppnEncoding.EncodingName, _encoding.Name);
        Assert.Equal(s_shape, _encoding.Shape);
        Assert.Equal(s_shape, _encoding.Decoder.Shape);
        Assert.IsType<CppnVariation>(_encoding.Variation);
    }

    [Fact]
    public void Evolved_genomes_survive_serialisation_exactly()
    {
        List<CppnGenome> genomes = CppnSamples.Evolved(s_shape, count: 20, mutations: 80, seed: 91);
        Assert.Contains(genomes, g => g.HiddenCount > 5);

        foreach (CppnGenome genome in genomes)
        {
            CppnGenome back = RoundTrip(genome);

            Assert.Equal(genome.Shape, back.Shape);
            Assert.Equal(genome.NextNodeId, back.NextNodeId);
            Assert.Equal(genome.Nodes, back.Nodes);
            Assert.Equal(genome.Connections.Select(c => (c.From, c.To, BitConverter.SingleToInt32Bits(c.Weight))), back.Connections.Select(c => (c.From, c.To, BitConverter.SingleToInt32Bits(c.Weight))));

            var before = new float[s_shape.Size];
            var after = new float[s_shape.Size];
            _encoding.Decoder.Render([genome], before);
            _encoding.Decoder.Render([back], after);
            Assert.Equal(before, after);
        }
    }

    [Fact]
    public void A_next_node_id_beyond_the_largest_node_id_is_kept()
    {
        // Deleted nodes leave gaps: the next id must not be recomputed from the nodes.
        List<CppnNode> nodes = CppnSamples.FixedNodes(3, CppnActivation.Sine);
        nodes.Add(new CppnNode(12, CppnNodeKind.Hidden, CppnActivation.Gaussian));
        var genome = new CppnGenome(s_shape, nodes, [new(0, 12, 0.5f), new(12, 5, -2f)], 40);

        CppnGenome back = RoundTrip(genome);

        Assert.Equal(40, back.NextNodeId);
        Assert.Equal(genome.Nodes, back.Nodes);
    }

    [Fact]
    public void The_message_lists_nodes_and_connections_in_order()
    {
        CppnGenome genome = CppnSamples.Evolved(s_shape, count: 1, mutations: 30, seed: 92)[0];

        CppnGenomeMessage message = _encoding.ToMessage(genome).Cppn;

        Assert.Equal((3, 6, 7), (message.Channels, message.Height, message.Width));
        Assert.Equal(genome.Nodes.Select(n => (n.Id, (int)n.Kind, (int)n.Activation)), message.Nodes.Select(n => (n.Id, (int)n.Kind, (int)n.Activation)));
        Assert.Equal(genome.Connections.Select(c => (c.From, c.To, c.Weight)), message.Connections.Select(c => (c.From, c.To, c.Weight)));
    }

    [Fact]
    public void A_genome_of_another_shape_is_rejected()
    {
        GenomeMessage message = ValidMessage();
        message.Cppn.Height = 5;

        Assert.Throws<InvalidGenomeException>(() => _encoding.FromMessage(message));
    }

    [Fact]
    public void A_grey_genome_is_rejected_by_a_colour_encoding()
    {
        var grey = new CppnEncoding(new ImageShape(1, 6, 7), new CppnSettings());
        GenomeMessage message = grey.ToMessage(CppnSamples.Evolved(grey.Shape, 1, 0, 93)[0]);

        Assert.Throws<InvalidGenomeException>(() => _encoding.FromMessage(message));
    }

    [Fact]
    public void A_message_of_another_encoding_or_none_is_rejected()
    {
        var direct = new GenomeMessage { Direct = new DirectGenomeMessage { Channels = 3, Height = 6, Width = 7 } };

        Assert.Throws<InvalidGenomeException>(() => _encoding.FromMessage(direct));
        Assert.Throws<InvalidGenomeException>(() => _encoding.FromMessage(new GenomeMessage()));
    }

    [Fact]
    public void Too_many_nodes_are_rejected_before_anything_is_built()
    {
        GenomeMessage message = ValidMessage();
        for (int id = message.Cppn.NextNodeId; message.Cppn.Nodes.Count <= GenomeCodec.MaxCppnNodes; id++)
        {
            message.Cppn.Nodes.Add(new CppnNodeMessage { Id = id, Kind = CppnNodeKindMessage.CppnNodeKindHidden });
        }

        message.Cppn.NextNodeId = int.MaxValue;

        InvalidGenomeException ex = Assert.Throws<InvalidGenomeException>(() => _encoding.FromMessage(message));
        Assert.Contains("at most", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Too_many_connections_are_rejected()
    {
        GenomeMessage message = ValidMessage();
        var extra = new CppnConnectionMessage { From = 0, To = 4, Weight = 1f };
        while (message.Cppn.Connections.Count <= GenomeCodec.MaxCppnConnections)
        {
            message.Cppn.Connections.Add(extra);
        }

        InvalidGenomeException ex = Assert.Throws<InvalidGenomeException>(() => _encoding.FromMessage(message));
        Assert.Contains("at most", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_node_kind_or_activation_is_rejected()
    {
        GenomeMessage kind = ValidMessage();
        kind.Cppn.Nodes[5].Kind = (CppnNodeKindMessage)7;
        GenomeMessage activation = ValidMessage();
        activation.Cppn.Nodes[5].Activation = (CppnActivationMessage)9;

        Assert.Throws<InvalidGenomeException>(() => _encoding.FromMessage(kind));
        Assert.Throws<InvalidGenomeException>(() => _encoding.FromMessage(activation));
    }

    [Fact]
    public void Structural_damage_in_a_message_is_rejected()
    {
        GenomeMessage cycle = ValidMessage();
        cycle.Cppn.Nodes.Add(new CppnNodeMessage { Id = 7, Kind = CppnNodeKindMessage.CppnNodeKindHidden });
        cycle.Cppn.Nodes.Add(new CppnNodeMessage { Id = 8, Kind = CppnNodeKindMessage.CppnNodeKindHidden });
        cycle.Cppn.NextNodeId = 9;
        cycle.Cppn.Connections.Add(new CppnConnectionMessage { From = 7, To = 8, Weight = 1 });
        cycle.Cppn.Connections.Add(new CppnConnectionMessage { From = 8, To = 7, Weight = 1 });
        GenomeMessage nan = ValidMessage();
        nan.Cppn.Connections[0].Weight = float.NaN;
        GenomeMessage duplicate = ValidMessage();
        duplicate.Cppn.Connections.Add(duplicate.Cppn.Connections[0].Clone());
        GenomeMessage missingOutput = ValidMessage();
        missingOutput.Cppn.Nodes.RemoveAt(6);

        Assert.Throws<InvalidGenomeException>(() => _encoding.FromMessage(cycle));
        Assert.Throws<InvalidGenomeException>(() => _encoding.FromMessage(nan));
        Assert.Throws<InvalidGenomeException>(() => _encoding.FromMessage(duplicate));
        Assert.Throws<InvalidGenomeException>(() => _encoding.FromMessage(missingOutput));
    }

    private GenomeMessage ValidMessage() => _encoding.ToMessage(CppnSamples.Evolved(s_shape, count: 1, mutations: 0, seed: 94)[0]);

    private CppnGenome RoundTrip(CppnGenome genome)
    {
        byte[] bytes = _encoding.ToMessage(genome).ToByteArray();
        return _encoding.FromMessage(GenomeMessage.Parser.ParseFrom(bytes));
    }
}
