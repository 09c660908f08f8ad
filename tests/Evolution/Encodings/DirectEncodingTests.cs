using FoolingCluster.Evolution.Encodings;
using FoolingCluster.Evolution.Genomes;
using FoolingCluster.Evolution.Genomes.Direct;
using FoolingCluster.Evolution.Randomness;
using FoolingCluster.Protocol.Messages;
using FoolingCluster.Runs.Codecs;
using Google.Protobuf;
using Xunit;

namespace FoolingCluster.Evolution.Tests.Encodings;

public class DirectEncodingTests
{
    private static readonly ImageShape s_shape = new(3, 4, 5);
    private readonly DirectEncoding _encoding = new(s_shape, new DirectSettings());

    [Fact]
    public void Names_shape_and_parts_describe_the_encoding()
    {
        Assert.Equal("direct", _encoding.Name);
        Assert.Equal(DirectEncoding.EncodingName, _encoding.Name);
        Assert.Equal(s_shape, _encoding.Shape);
        Assert.Equal(s_shape, _encoding.Decoder.Shape);
        Assert.IsType<DirectVariation>(_encoding.Variation);
    }

    [Fact]
    public void A_genome_survives_serialisation_bit_for_bit()
    {
        var random = new DeterministicRandom(81);
        DirectGenome genome = _encoding.Variation.CreateRandom(random);
        float[] special = [0f, 1f, float.Epsilon, MathF.BitDecrement(1f), 1e-30f, 0.1f];
        float[] genes = genome.Genes.ToArray();
        special.CopyTo(genes, 0);
        genome = new DirectGenome(s_shape, genes);

        DirectGenome back = RoundTrip(genome);

        Assert.Equal(genome.Shape, back.Shape);
        Assert.Equal(Bits(genome.Genes), Bits(back.Genes));
    }

    [Fact]
    public void Mutated_and_crossed_genomes_survive_serialisation()
    {
        var random = new DeterministicRandom(82);
        DirectGenome a = _encoding.Variation.CreateRandom(random);
        DirectGenome b = _encoding.Variation.CreateRandom(random);
        (DirectGenome first, DirectGenome second) = _encoding.Variation.Crossover(a, b, random);

        foreach (DirectGenome genome in new[] { _encoding.Variation.Mutate(a, random, 0), first, second })
        {
            Assert.Equal(Bits(genome.Genes), Bits(RoundTrip(genome).Genes));
        }
    }

    [Fact]
    public void The_message_carries_the_shape_and_planar_genes()
    {
        float[] genes = [.. Enumerable.Range(0, s_shape.Size).Select(i => i / (float)s_shape.Size)];

        GenomeMessage message = _encoding.ToMessage(new DirectGenome(s_shape, genes));

        Assert.Equal(GenomeMessage.EncodingOneofCase.Direct, message.EncodingCase);
        Assert.Equal((3, 4, 5), (message.Direct.Channels, message.Direct.Height, message.Direct.Width));
        Assert.Equal(genes, message.Direct.Genes);
    }

    [Theory]
    [InlineData(1, 4, 5)]
    [InlineData(3, 5, 4)]
    [InlineData(3, 4, 6)]
    public void A_genome_of_another_shape_is_rejected(int channels, int height, int width)
    {
        var message = new GenomeMessage { Direct = new DirectGenomeMessage { Channels = channels, Height = height, Width = width } };
        message.Direct.Genes.AddRange(new float[channels * height * width]);

        InvalidGenomeException ex = Assert.Throws<InvalidGenomeException>(() => _encoding.FromMessage(message));
        Assert.Contains("[3,4,5]", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(1)]
    public void A_wrong_number_of_genes_is_rejected(int difference)
    {
        var message = new GenomeMessage { Direct = new DirectGenomeMessage { Channels = 3, Height = 4, Width = 5 } };
        message.Direct.Genes.AddRange(new float[s_shape.Size + difference]);

        Assert.Throws<InvalidGenomeException>(() => _encoding.FromMessage(message));
    }

    [Theory]
    [InlineData(-0.001f)]
    [InlineData(1.001f)]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void Genes_outside_the_unit_interval_are_rejected(float bad)
    {
        var message = new GenomeMessage { Direct = new DirectGenomeMessage { Channels = 3, Height = 4, Width = 5 } };
        message.Direct.Genes.AddRange(new float[s_shape.Size]);
        message.Direct.Genes[7] = bad;

        Assert.Throws<InvalidGenomeException>(() => _encoding.FromMessage(message));
    }

    [Fact]
    public void A_message_of_another_encoding_or_none_is_rejected()
    {
        var cppn = new GenomeMessage { Cppn = new CppnGenomeMessage { Channels = 3, Height = 4, Width = 5 } };

        Assert.Throws<InvalidGenomeException>(() => _encoding.FromMessage(cppn));
        Assert.Throws<InvalidGenomeException>(() => _encoding.FromMessage(new GenomeMessage()));
    }

    private DirectGenome RoundTrip(DirectGenome genome)
    {
        byte[] bytes = _encoding.ToMessage(genome).ToByteArray();
        return _encoding.FromMessage(GenomeMessage.Parser.ParseFrom(bytes));
    }

    private static int[] Bits(ReadOnlySpan<float> values)
    {
        var bits = new int[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            bits[i] = BitConverter.SingleToInt32Bits(values[i]);
        }

        return bits;
    }
}
