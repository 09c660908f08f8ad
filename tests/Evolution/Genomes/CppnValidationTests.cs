using FoolingCluster.Evolution.Genomes;
using FoolingCluster.Evolution.Genomes.Cppn;
using FoolingCluster.Evolution.Tests.Support;
using Xunit;

namespace FoolingCluster.Evolution.Tests.Genomes;

public class CppnValidationTests
{
    private static readonly ImageShape s_shape = new(1, 4, 4);

    private const int X = CppnGenome.InputX;
    private const int Bias = CppnGenome.BiasId;
    private const int Out = CppnGenome.FirstOutputId;
    private const int H1 = Out + 1;
    private const int H2 = Out + 2;

    [Fact]
    public void A_well_formed_genome_with_hidden_nodes_is_accepted()
    {
        CppnGenome genome = CppnSamples.Grey(s_shape, [new(X, H1, 1f), new(H1, H2, 2f), new(H2, Out, 3f), new(Bias, Out, 0.5f)], CppnActivation.Sine, CppnActivation.Gaussian);

        Assert.Equal(2, genome.HiddenCount);
        Assert.Equal(7, genome.NextNodeId);
        Assert.Equal(4, genome.Connections.Count);
    }

    [Fact]
    public void Nodes_and_outputs_without_connections_are_accepted()
    {
        CppnGenome genome = CppnSamples.Grey(s_shape, [], CppnActivation.Sine);

        Assert.Equal(1, genome.HiddenCount);
    }

    [Fact]
    public void A_cycle_is_rejected()
    {
        Rejected(() => CppnSamples.Grey(s_shape, [new(X, H1, 1f), new(H1, H2, 1f), new(H2, H1, 1f), new(H2, Out, 1f)], CppnActivation.Sine, CppnActivation.Sine), "cycle");
    }

    [Fact]
    public void A_self_loop_is_rejected()
    {
        Rejected(() => CppnSamples.Grey(s_shape, [new(X, H1, 1f), new(H1, H1, 1f), new(H1, Out, 1f)], CppnActivation.Sine), "cycle");
    }

    [Fact]
    public void A_cycle_not_reachable_from_the_inputs_is_rejected()
    {
        Rejected(() => CppnSamples.Grey(s_shape, [new(H1, H2, 1f), new(H2, H1, 1f)], CppnActivation.Sine, CppnActivation.Sine), "cycle");
    }

    [Fact]
    public void A_duplicate_connection_is_rejected()
    {
        Rejected(() => CppnSamples.Grey(s_shape, [new(X, Out, 1f), new(X, Out, 2f)]), "twice");
    }

    [Theory]
    [InlineData(Out, X)]
    [InlineData(H1, CppnGenome.InputD)]
    [InlineData(X, Bias)]
    public void A_connection_into_an_input_or_the_bias_is_rejected(int from, int to)
    {
        Rejected(() => CppnSamples.Grey(s_shape, [new(from, to, 1f)], CppnActivation.Sine), "feeds an input");
    }

    [Theory]
    [InlineData(H1)]
    [InlineData(Out)]
    public void A_connection_out_of_an_output_is_rejected(int to)
    {
        Rejected(() => CppnSamples.Grey(s_shape, [new(Out, to, 1f)], CppnActivation.Sine), "leaves an output");
    }

    [Theory]
    [InlineData(X, 99)]
    [InlineData(99, Out)]
    [InlineData(-1, Out)]
    public void A_connection_to_an_unknown_node_is_rejected(int from, int to)
    {
        Rejected(() => CppnSamples.Grey(s_shape, [new(from, to, 1f)]), "does not exist");
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void A_weight_that_is_not_finite_is_rejected(float weight)
    {
        Rejected(() => CppnSamples.Grey(s_shape, [new(X, Out, weight)]), "not finite");
    }

    [Fact]
    public void A_hidden_node_before_the_outputs_is_rejected()
    {
        List<CppnNode> nodes = CppnSamples.FixedNodes(1);
        nodes.Insert(CppnGenome.FirstOutputId, new CppnNode(H1, CppnNodeKind.Hidden, CppnActivation.Sine));

        Rejected(() => new CppnGenome(s_shape, nodes, [], H1 + 1), "must be the Output node");
    }

    [Fact]
    public void Inputs_out_of_order_are_rejected()
    {
        List<CppnNode> nodes = CppnSamples.FixedNodes(1);
        (nodes[0], nodes[1]) = (nodes[1], nodes[0]);

        Rejected(() => new CppnGenome(s_shape, nodes, [], Out + 1), "with id 0");
    }

    [Fact]
    public void An_input_of_the_wrong_kind_is_rejected()
    {
        List<CppnNode> nodes = CppnSamples.FixedNodes(1);
        nodes[Bias] = nodes[Bias] with { Kind = CppnNodeKind.Input };

        Rejected(() => new CppnGenome(s_shape, nodes, [], Out + 1), "Bias");
    }

    [Fact]
    public void An_output_among_the_hidden_nodes_is_rejected()
    {
        List<CppnNode> nodes = CppnSamples.FixedNodes(1);
        nodes.Add(new CppnNode(H1, CppnNodeKind.Output, CppnActivation.Sine));

        Rejected(() => new CppnGenome(s_shape, nodes, [], H1 + 1), "Hidden");
    }

    [Fact]
    public void A_colour_genome_needs_three_outputs()
    {
        List<CppnNode> nodes = CppnSamples.FixedNodes(1);

        Rejected(() => new CppnGenome(new ImageShape(3, 4, 4), nodes, [], Out + 1), "at least 7 nodes");
    }

    [Fact]
    public void A_repeated_hidden_id_is_rejected()
    {
        List<CppnNode> nodes = CppnSamples.FixedNodes(1);
        nodes.Add(new CppnNode(H1, CppnNodeKind.Hidden, CppnActivation.Sine));
        nodes.Add(new CppnNode(H1, CppnNodeKind.Hidden, CppnActivation.Gaussian));

        Rejected(() => new CppnGenome(s_shape, nodes, [], H1 + 1), "appears twice");
    }

    [Theory]
    [InlineData(H1, H1)]
    [InlineData(H1, 2)]
    [InlineData(-3, 10)]
    public void A_node_id_outside_zero_to_next_node_id_is_rejected(int hiddenId, int nextNodeId)
    {
        List<CppnNode> nodes = CppnSamples.FixedNodes(1);
        nodes.Add(new CppnNode(hiddenId, CppnNodeKind.Hidden, CppnActivation.Sine));

        Rejected(() => new CppnGenome(s_shape, nodes, [], nextNodeId), "next node id");
    }

    [Fact]
    public void An_unknown_activation_is_rejected()
    {
        List<CppnNode> nodes = CppnSamples.FixedNodes(1);
        nodes.Add(new CppnNode(H1, CppnNodeKind.Hidden, (CppnActivation)17));

        Rejected(() => new CppnGenome(s_shape, nodes, [], H1 + 1), "unknown activation");
    }

    [Theory]
    [InlineData(2, 4, 4)]
    [InlineData(1, 0, 4)]
    [InlineData(3, 4, -1)]
    public void An_impossible_image_shape_is_rejected(int channels, int height, int width)
    {
        Rejected(() => new CppnGenome(new ImageShape(channels, height, width), CppnSamples.FixedNodes(1), [], Out + 1), "channels");
    }

    private static void Rejected(Func<CppnGenome> build, string reason)
    {
        InvalidGenomeException ex = Assert.Throws<InvalidGenomeException>(() => build());
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }
}
