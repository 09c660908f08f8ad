using FoolingCluster.Evolution.Genomes;
using FoolingCluster.Evolution.Genomes.Direct;
using FoolingCluster.Evolution.Randomness;
using Xunit;

namespace FoolingCluster.Evolution.Tests.Genomes;

public class DirectGenomeTests
{
    private static readonly ImageShape s_grey = new(1, 8, 6);
    private static readonly ImageShape s_colour = new(3, 5, 4);

    [Theory]
    [InlineData(1, 28, 28)]
    [InlineData(3, 5, 4)]
    [InlineData(1, 1, 1)]
    public void Random_genomes_have_the_shape_and_genes_in_the_unit_interval(int channels, int height, int width)
    {
        var shape = new ImageShape(channels, height, width);
        var variation = new DirectVariation(shape, new DirectSettings());
        var random = new DeterministicRandom(31);

        for (int i = 0; i < 20; i++)
        {
            DirectGenome genome = variation.CreateRandom(random);
            Assert.Equal(shape, genome.Shape);
            Assert.Equal(channels * height * width, genome.Genes.Length);
            foreach (float g in genome.Genes)
            {
                Assert.InRange(g, 0f, 1f);
            }
        }
    }

    [Fact]
    public void Random_genomes_differ_and_are_spread_over_the_unit_interval()
    {
        var variation = new DirectVariation(ImageShape.Mnist, new DirectSettings());
        var random = new DeterministicRandom(32);

        DirectGenome a = variation.CreateRandom(random);
        DirectGenome b = variation.CreateRandom(random);

        Assert.NotEqual(a.Genes.ToArray(), b.Genes.ToArray());
        float[] genes = a.Genes.ToArray();
        Assert.InRange(genes.Average(), 0.45, 0.55);
        Assert.True(genes.Min() < 0.01f && genes.Max() > 0.99f);
    }

    [Fact]
    public void The_constructor_checks_the_gene_count_and_the_shape()
    {
        Assert.Throws<ArgumentException>(() => new DirectGenome(s_grey, new float[s_grey.Size - 1]));
        Assert.Throws<ArgumentException>(() => new DirectGenome(new ImageShape(2, 2, 2), new float[8]));
        Assert.Throws<ArgumentException>(() => new DirectGenome(new ImageShape(1, 0, 2), []));
        Assert.Throws<ArgumentNullException>(() => new DirectGenome(s_grey, null!));
    }

    [Fact]
    public void Mutation_keeps_genes_in_range_and_leaves_the_parent_untouched()
    {
        var variation = new DirectVariation(s_colour, new DirectSettings { MutationRate = 0.5 });
        var random = new DeterministicRandom(33);
        DirectGenome parent = variation.CreateRandom(random);
        float[] before = parent.Genes.ToArray();

        DirectGenome child = parent;
        for (int i = 0; i < 500; i++)
        {
            child = variation.Mutate(child, random, generation: 0);
            foreach (float g in child.Genes)
            {
                Assert.InRange(g, 0f, 1f);
            }
        }

        Assert.Equal(before, parent.Genes.ToArray());
        Assert.NotEqual(before, child.Genes.ToArray());
        Assert.Equal(s_colour, child.Shape);
    }

    [Fact]
    public void Genes_at_the_bounds_survive_mutation_within_range()
    {
        var variation = new DirectVariation(s_grey, new DirectSettings { MutationRate = 1.0 });
        var random = new DeterministicRandom(34);
        float[] genes = [.. Enumerable.Range(0, s_grey.Size).Select(i => i % 2 == 0 ? 0f : 1f)];
        var parent = new DirectGenome(s_grey, genes);

        for (int i = 0; i < 200; i++)
        {
            foreach (float g in variation.Mutate(parent, random, 0).Genes)
            {
                Assert.InRange(g, 0f, 1f);
            }
        }
    }

    [Theory]
    [InlineData(0, 0.1)]
    [InlineData(999, 0.1)]
    [InlineData(1000, 0.05)]
    [InlineData(1999, 0.05)]
    [InlineData(2000, 0.025)]
    [InlineData(5000, 0.1 / 32)]
    [InlineData(-5, 0.1)]
    public void Mutation_rate_halves_every_halving_period(int generation, double expected)
    {
        var settings = new DirectSettings();

        Assert.Equal(expected, settings.MutationRateAt(generation), 12);
    }

    [Fact]
    public void Mutation_rate_follows_a_custom_halving_period()
    {
        var settings = new DirectSettings { MutationRate = 0.4, MutationHalvingGenerations = 10 };

        Assert.Equal(0.4, settings.MutationRateAt(9), 12);
        Assert.Equal(0.2, settings.MutationRateAt(10), 12);
        Assert.Equal(0.1, settings.MutationRateAt(25), 12);
    }

    [Theory]
    [InlineData(0, 0.1)]
    [InlineData(1000, 0.05)]
    [InlineData(2000, 0.025)]
    public void The_measured_fraction_of_changed_genes_follows_the_rate(int generation, double expected)
    {
        var shape = new ImageShape(1, 200, 200);
        var variation = new DirectVariation(shape, new DirectSettings());
        var random = new DeterministicRandom(35);
        DirectGenome parent = variation.CreateRandom(random);

        DirectGenome child = variation.Mutate(parent, random, generation);

        int changed = 0;
        for (int i = 0; i < shape.Size; i++)
        {
            if (child.Genes[i] != parent.Genes[i])
            {
                changed++;
            }
        }

        double fraction = changed / (double)shape.Size;
        Assert.InRange(fraction, 0.9 * expected, 1.1 * expected);
    }

    [Fact]
    public void Crossover_keeps_genes_in_range_shape_and_parents()
    {
        var variation = new DirectVariation(s_colour, new DirectSettings());
        var random = new DeterministicRandom(36);
        DirectGenome a = variation.CreateRandom(random);
        DirectGenome b = variation.CreateRandom(random);
        float[] aBefore = a.Genes.ToArray();
        float[] bBefore = b.Genes.ToArray();

        for (int i = 0; i < 200; i++)
        {
            (DirectGenome first, DirectGenome second) = variation.Crossover(a, b, random);
            Assert.Equal(s_colour, first.Shape);
            Assert.Equal(s_colour, second.Shape);
            foreach (float g in first.Genes)
            {
                Assert.InRange(g, 0f, 1f);
            }

            foreach (float g in second.Genes)
            {
                Assert.InRange(g, 0f, 1f);
            }
        }

        Assert.Equal(aBefore, a.Genes.ToArray());
        Assert.Equal(bBefore, b.Genes.ToArray());
    }

    [Fact]
    public void Crossover_rate_comes_from_the_settings()
    {
        Assert.Equal(0.5, new DirectVariation(s_grey, new DirectSettings()).CrossoverRate);
        Assert.Equal(0.25, new DirectVariation(s_grey, new DirectSettings { CrossoverRate = 0.25 }).CrossoverRate);
    }

    [Fact]
    public void The_grey_decoder_copies_the_genes()
    {
        var variation = new DirectVariation(s_grey, new DirectSettings());
        var random = new DeterministicRandom(37);
        DirectGenome[] genomes = [variation.CreateRandom(random), variation.CreateRandom(random), variation.CreateRandom(random)];
        var images = new float[3 * s_grey.Size];

        new DirectDecoder(s_grey).Render(genomes, images);

        for (int n = 0; n < genomes.Length; n++)
        {
            Assert.Equal(genomes[n].Genes.ToArray(), images.AsSpan(n * s_grey.Size, s_grey.Size).ToArray());
        }
    }

    [Fact]
    public void The_colour_decoder_converts_each_genome_from_HSV_planes()
    {
        var variation = new DirectVariation(s_colour, new DirectSettings());
        var random = new DeterministicRandom(38);
        DirectGenome[] genomes = [variation.CreateRandom(random), variation.CreateRandom(random)];
        var images = new float[2 * s_colour.Size];

        new DirectDecoder(s_colour).Render(genomes, images);

        for (int n = 0; n < genomes.Length; n++)
        {
            var expected = new float[s_colour.Size];
            HsvToRgbTests.ReferenceConvert(genomes[n].Genes, expected);
            float[] actual = images.AsSpan(n * s_colour.Size, s_colour.Size).ToArray();
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.Equal(expected[i], actual[i], 1e-5f);
                Assert.InRange(actual[i], 0f, 1f);
            }
        }
    }

    [Fact]
    public void The_decoder_rejects_a_genome_of_another_shape()
    {
        var genome = new DirectGenome(s_colour, new float[s_colour.Size]);
        var images = new float[s_colour.Size];

        Assert.Throws<ArgumentException>(() => new DirectDecoder(s_grey).Render([genome], images));
    }
}
