using FoolingCluster.Evolution.Genomes;
using FoolingCluster.Evolution.Genomes.Cppn;
using FoolingCluster.Evolution.Tests.Support;
using FoolingCluster.Tensors;
using Xunit;

namespace FoolingCluster.Evolution.Tests.Genomes;

[Collection(EngineThreadsGroup.Name)]
public class CppnDecoderTests
{
    private const int X = CppnGenome.InputX;
    private const int Y = CppnGenome.InputY;
    private const int D = CppnGenome.InputD;
    private const int Bias = CppnGenome.BiasId;
    private const int Out = CppnGenome.FirstOutputId;

    [Fact]
    public void X_runs_from_minus_one_at_the_left_column_to_one_at_the_right()
    {
        var shape = new ImageShape(1, 3, 5);

        // Linear(3x) = x, so the pixel is (x + 1) / 2 = column / (W − 1).
        float[] image = RenderOne(CppnSamples.Grey(shape, [new(X, Out, 3f)]));

        for (int r = 0; r < 3; r++)
        {
            for (int c = 0; c < 5; c++)
            {
                Assert.Equal(c / 4f, image[(r * 5) + c], 1e-6f);
            }
        }
    }

    [Fact]
    public void Y_runs_from_minus_one_at_the_top_row_to_one_at_the_bottom()
    {
        var shape = new ImageShape(1, 5, 3);

        float[] image = RenderOne(CppnSamples.Grey(shape, [new(Y, Out, 3f)]));

        for (int r = 0; r < 5; r++)
        {
            for (int c = 0; c < 3; c++)
            {
                Assert.Equal(r / 4f, image[(r * 3) + c], 1e-6f);
            }
        }
    }

    [Fact]
    public void D_is_the_distance_from_the_centre_and_the_bias_is_one()
    {
        var shape = new ImageShape(1, 3, 3);

        // Linear(1.5·d) = d/2 ∈ [0, 0.71]: centre 0.5, edge midpoints 0.75, corners (1 + √2/2)/2.
        float[] distance = RenderOne(CppnSamples.Grey(shape, [new(D, Out, 1.5f)]));
        float[] bias = RenderOne(CppnSamples.Grey(shape, [new(Bias, Out, 1.5f)]));

        float corner = (1f + (MathF.Sqrt(2f) / 2f)) / 2f;
        float[] expected = [corner, 0.75f, corner, 0.75f, 0.5f, 0.75f, corner, 0.75f, corner];
        for (int i = 0; i < 9; i++)
        {
            Assert.Equal(expected[i], distance[i], 1e-6f);
            Assert.Equal(0.75f, bias[i], 1e-6f);
        }
    }

    [Fact]
    public void A_single_row_or_column_sits_at_coordinate_zero()
    {
        float[] row = RenderOne(CppnSamples.Grey(new ImageShape(1, 1, 4), [new(Y, Out, 3f)]));
        float[] column = RenderOne(CppnSamples.Grey(new ImageShape(1, 4, 1), [new(X, Out, 3f)]));

        Assert.All(row, v => Assert.Equal(0.5f, v));
        Assert.All(column, v => Assert.Equal(0.5f, v));
    }

    [Fact]
    public void An_output_without_connections_is_its_activation_of_zero()
    {
        var shape = new ImageShape(1, 2, 2);
        List<CppnNode> nodes = CppnSamples.FixedNodes(1, CppnActivation.Gaussian);

        // Gaussian(0) = 1 → pixel 1.
        float[] image = RenderOne(new CppnGenome(shape, nodes, [], Out + 1));

        Assert.All(image, v => Assert.Equal(1f, v));
    }

    [Fact]
    public void A_saturated_linear_output_reaches_the_ends_of_the_range()
    {
        var shape = new ImageShape(1, 1, 3);
        List<CppnNode> nodes = CppnSamples.FixedNodes(1, CppnActivation.Linear);

        // 10x = −10, 0, 10 is clamped to ±3 by Linear, so the outputs are −1, 0, 1.
        float[] image = RenderOne(new CppnGenome(shape, nodes, [new(X, Out, 10f)], Out + 1));

        Assert.Equal([0f, 0.5f, 1f], image);
    }

    [Fact]
    public void Three_outputs_are_hue_saturation_and_value()
    {
        var shape = new ImageShape(3, 2, 2);
        List<CppnNode> nodes = CppnSamples.FixedNodes(3, CppnActivation.Linear);

        // H = (−1+1)/2 = 0 (red), S = 1, V = 1.
        float[] red = RenderOne(new CppnGenome(shape, nodes, [new(Bias, Out, -3f), new(Bias, Out + 1, 3f), new(Bias, Out + 2, 3f)], Out + 3));
        // S = 0, V = 0.75: light grey.
        float[] grey = RenderOne(new CppnGenome(shape, nodes, [new(Bias, Out + 1, -3f), new(Bias, Out + 2, 1.5f)], Out + 3));

        for (int p = 0; p < 4; p++)
        {
            Assert.Equal(1f, red[p], 1e-6f);
            Assert.Equal(0f, red[4 + p], 1e-6f);
            Assert.Equal(0f, red[8 + p], 1e-6f);
            Assert.Equal(0.75f, grey[p], 1e-6f);
            Assert.Equal(0.75f, grey[4 + p], 1e-6f);
            Assert.Equal(0.75f, grey[8 + p], 1e-6f);
        }
    }

    [Fact]
    public void Hidden_nodes_compose_in_topological_order_whatever_the_node_and_connection_order()
    {
        var shape = new ImageShape(1, 4, 4);

        // Hidden 6 feeds hidden 5 although 5 was listed first, and the edge into 6 comes last.
        CppnGenome genome = CppnSamples.Grey(
            shape,
            [new(6, 5, 2f), new(5, Out, 3f), new(Bias, 5, -0.5f), new(X, 6, 1.25f)],
            CppnActivation.Sine,
            CppnActivation.Gaussian);

        AssertMatchesReference(genome, RenderOne(genome), 1e-6f);
    }

    [Theory]
    [InlineData(1, 11, 9, 101)]
    [InlineData(3, 7, 10, 102)]
    [InlineData(1, 28, 28, 103)]
    public void Evolved_genomes_render_as_the_per_pixel_reference_walk_does(int channels, int height, int width, long seed)
    {
        // Weights in [−2, 2] keep the networks well conditioned, so the few-ulp differences
        // between vectorised and scalar Sin, Tanh and Exp stay few-ulp at the outputs.
        var shape = new ImageShape(channels, height, width);
        List<CppnGenome> genomes = CppnSamples.Evolved(shape, count: 25, mutations: 60, seed, weightRange: 2f);
        Assert.Contains(genomes, g => g.HiddenCount >= 8);

        foreach (CppnGenome genome in genomes)
        {
            AssertMatchesReference(genome, RenderOne(genome), 1e-5f);
        }
    }

    [Theory]
    [InlineData(1, 11, 9, 101)]
    [InlineData(3, 7, 10, 102)]
    public void Evolved_genomes_with_full_range_weights_agree_with_the_reference_up_to_conditioning(int channels, int height, int width, long seed)
    {
        // Weights up to 10 through a dozen sines amplify ulp differences between vectorised and
        // scalar activations a thousandfold (a double-precision walk is no closer to either),
        // so only gross errors (wiring, order, coordinates) are caught here.
        var shape = new ImageShape(channels, height, width);
        List<CppnGenome> genomes = CppnSamples.Evolved(shape, count: 25, mutations: 60, seed);

        foreach (CppnGenome genome in genomes)
        {
            AssertMatchesReference(genome, RenderOne(genome), 1e-3f);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void A_batch_renders_exactly_as_each_genome_alone(int threads)
    {
        var shape = new ImageShape(3, 9, 8);
        List<CppnGenome> genomes = CppnSamples.Evolved(shape, count: 13, mutations: 40, seed: 104);
        var decoder = new CppnDecoder(shape);
        var batch = new float[genomes.Count * shape.Size];
        int saved = Engine.Threads;
        try
        {
            Engine.Threads = threads;
            decoder.Render(genomes, batch);
        }
        finally
        {
            Engine.Threads = saved;
        }

        for (int n = 0; n < genomes.Count; n++)
        {
            var alone = new float[shape.Size];
            decoder.RenderOne(genomes[n], alone);
            Assert.Equal(alone, batch.AsSpan(n * shape.Size, shape.Size).ToArray());
        }
    }

    [Fact]
    public void Rendering_leaves_values_past_the_batch_untouched()
    {
        var shape = new ImageShape(1, 4, 4);
        List<CppnGenome> genomes = CppnSamples.Evolved(shape, count: 3, mutations: 10, seed: 105);
        var images = new float[(3 * shape.Size) + 5];
        Array.Fill(images, -7f);

        new CppnDecoder(shape).Render(genomes, images);

        Assert.All(images.Take(3 * shape.Size), v => Assert.InRange(v, 0f, 1f));
        Assert.All(images.Skip(3 * shape.Size), v => Assert.Equal(-7f, v));
    }

    [Fact]
    public void Render_checks_the_genome_shape_and_the_buffer_size()
    {
        var shape = new ImageShape(1, 4, 4);
        var decoder = new CppnDecoder(shape);
        List<CppnGenome> genomes = CppnSamples.Evolved(shape, count: 2, mutations: 0, seed: 106);
        List<CppnGenome> colour = CppnSamples.Evolved(new ImageShape(3, 4, 4), count: 1, mutations: 0, seed: 106);

        Assert.Throws<ArgumentException>(() => decoder.Render(genomes, new float[shape.Size]));
        Assert.Throws<ArgumentException>(() => decoder.Render(colour, new float[3 * shape.Size]));
        decoder.Render([], Span<float>.Empty);
    }

    private static float[] RenderOne(CppnGenome genome)
    {
        var image = new float[genome.Shape.Size];
        new CppnDecoder(genome.Shape).RenderOne(genome, image);
        return image;
    }

    private static void AssertMatchesReference(CppnGenome genome, float[] image, float tolerance)
    {
        float[] expected = ReferenceCppn.Render(genome);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(
                Math.Abs(expected[i] - image[i]) <= tolerance,
                $"value {i} of a genome with {genome.HiddenCount} hidden nodes: reference {expected[i]}, decoder {image[i]}");
            Assert.InRange(image[i], 0f, 1f);
        }
    }
}
