using FoolingCluster.Evolution.Genomes;
using FoolingCluster.Evolution.Genomes.Cppn;
using FoolingCluster.Evolution.Randomness;
using Xunit;

namespace FoolingCluster.Evolution.Tests.Genomes;

public class CppnVariationTests
{
    private static readonly CppnSettings s_none = new()
    {
        AddConnectionRate = 0,
        DeleteConnectionRate = 0,
        AddNodeRate = 0,
        DeleteNodeRate = 0,
        WeightMutationRate = 0,
        ActivationChangeRate = 0,
    };

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void A_random_genome_connects_every_input_to_every_output_and_has_no_hidden_node(int channels)
    {
        var shape = new ImageShape(channels, 6, 5);
        var variation = new CppnVariation(shape, new CppnSettings());
        var random = new DeterministicRandom(51);

        CppnGenome genome = variation.CreateRandom(random);

        Assert.Equal(shape, genome.Shape);
        Assert.Equal(0, genome.HiddenCount);
        Assert.Equal(CppnGenome.InputCount + channels, genome.Nodes.Count);
        Assert.Equal(CppnGenome.FirstOutputId + channels, genome.NextNodeId);
        Assert.Equal([CppnNodeKind.Input, CppnNodeKind.Input, CppnNodeKind.Input, CppnNodeKind.Bias], genome.Nodes.Take(4).Select(n => n.Kind));
        Assert.All(genome.Nodes.Skip(4), n => Assert.Equal(CppnNodeKind.Output, n.Kind));
        Assert.Equal(CppnGenome.InputCount * channels, genome.Connections.Count);
        var expected = new HashSet<(int, int)>();
        for (int input = 0; input < CppnGenome.InputCount; input++)
        {
            for (int c = 0; c < channels; c++)
            {
                expected.Add((input, CppnGenome.FirstOutputId + c));
            }
        }

        Assert.True(expected.SetEquals(genome.Connections.Select(c => (c.From, c.To))));
        Assert.All(genome.Connections, c => Assert.InRange(c.Weight, -10f, 10f));
    }

    [Fact]
    public void Random_genomes_vary_in_weights_and_output_activations()
    {
        var variation = new CppnVariation(new ImageShape(1, 4, 4), new CppnSettings());
        var random = new DeterministicRandom(52);

        List<CppnGenome> genomes = [.. Enumerable.Range(0, 200).Select(_ => variation.CreateRandom(random))];

        Assert.Equal(CppnActivations.All.Count, genomes.Select(g => g.Nodes[CppnGenome.FirstOutputId].Activation).Distinct().Count());
        float[] weights = [.. genomes.SelectMany(g => g.Connections).Select(c => c.Weight)];
        Assert.Equal(weights.Length, weights.Distinct().Count());
        Assert.True(weights.Min() < -9f && weights.Max() > 9f);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Thousands_of_chained_mutations_keep_the_genome_valid_bounded_and_drawable(int channels)
    {
        var shape = new ImageShape(channels, 5, 5);
        var settings = new CppnSettings();
        var variation = new CppnVariation(shape, settings);
        var decoder = new CppnDecoder(shape);
        var random = new DeterministicRandom(53);
        var image = new float[shape.Size];
        CppnGenome genome = variation.CreateRandom(random);
        int maxHidden = 0;
        int nodesAdded = 0;
        int nodesDeleted = 0;
        var activations = new HashSet<CppnActivation>();

        for (int step = 0; step < 3000; step++)
        {
            // The constructor re-checks every invariant: a broken child would throw here.
            CppnGenome child = variation.Mutate(genome, random, step);

            Assert.True(child.NextNodeId >= genome.NextNodeId);
            Assert.All(child.Nodes, n => Assert.True(n.Id < child.NextNodeId));
            Assert.Equal(genome.Nodes.Take(CppnGenome.InputCount + channels).Select(n => (n.Id, n.Kind)), child.Nodes.Take(CppnGenome.InputCount + channels).Select(n => (n.Id, n.Kind)));
            Assert.All(child.Connections, c => Assert.True(c.Weight >= -settings.WeightRange && c.Weight <= settings.WeightRange, $"weight {c.Weight} out of range"));
            HashSet<int> before = [.. genome.Nodes.Select(n => n.Id)];
            HashSet<int> after = [.. child.Nodes.Select(n => n.Id)];
            nodesAdded += after.Except(before).Count();
            nodesDeleted += before.Except(after).Count();
            maxHidden = Math.Max(maxHidden, child.HiddenCount);
            foreach (CppnNode node in child.Nodes.Skip(CppnGenome.InputCount))
            {
                activations.Add(node.Activation);
            }

            if (step % 100 == 0)
            {
                decoder.RenderOne(child, image);
                Assert.All(image, v => Assert.InRange(v, 0f, 1f));
            }

            genome = child;
        }

        Assert.True(nodesAdded > 100, $"only {nodesAdded} nodes were added");
        Assert.True(nodesDeleted > 10, $"only {nodesDeleted} nodes were deleted");
        Assert.True(maxHidden > 10, $"at most {maxHidden} hidden nodes");
        Assert.Equal(CppnActivations.All.Count, activations.Count);
    }

    [Fact]
    public void Mutation_leaves_the_parent_untouched()
    {
        var variation = new CppnVariation(new ImageShape(3, 4, 4), new CppnSettings { AddConnectionRate = 1, DeleteConnectionRate = 1, AddNodeRate = 1, WeightMutationRate = 1, ActivationChangeRate = 1 });
        var random = new DeterministicRandom(54);
        CppnGenome parent = variation.CreateRandom(random);
        CppnNode[] nodes = [.. parent.Nodes];
        CppnConnection[] connections = [.. parent.Connections];
        int nextId = parent.NextNodeId;

        CppnGenome child = variation.Mutate(parent, random, 0);

        Assert.NotSame(parent, child);
        Assert.Equal(nodes, parent.Nodes);
        Assert.Equal(connections, parent.Connections);
        Assert.Equal(nextId, parent.NextNodeId);
        Assert.NotEqual(connections, child.Connections);
    }

    [Fact]
    public void Adding_a_node_splits_a_connection_and_keeps_its_weight_on_the_outgoing_half()
    {
        var variation = new CppnVariation(new ImageShape(1, 4, 4), s_none with { AddNodeRate = 1 });
        var random = new DeterministicRandom(55);
        CppnGenome parent = variation.CreateRandom(random);

        CppnGenome child = variation.Mutate(parent, random, 0);

        Assert.Equal(1, child.HiddenCount);
        int hidden = parent.NextNodeId;
        Assert.Equal(hidden + 1, child.NextNodeId);
        Assert.Equal(CppnNodeKind.Hidden, child.Nodes[^1].Kind);
        Assert.Equal(hidden, child.Nodes[^1].Id);
        Assert.Equal(parent.Connections.Count + 1, child.Connections.Count);
        CppnConnection into = Assert.Single(child.Connections, c => c.To == hidden);
        CppnConnection outOf = Assert.Single(child.Connections, c => c.From == hidden);
        CppnConnection split = Assert.Single(parent.Connections, c => c.From == into.From && c.To == outOf.To);
        Assert.Equal(split.Weight, outOf.Weight);
        Assert.DoesNotContain(child.Connections, c => c.From == split.From && c.To == split.To);
        Assert.InRange(into.Weight, -10f, 10f);
    }

    [Fact]
    public void Deleting_a_node_removes_it_with_all_its_connections()
    {
        var grow = new CppnVariation(new ImageShape(1, 4, 4), s_none with { AddNodeRate = 1, AddConnectionRate = 1 });
        var random = new DeterministicRandom(56);
        CppnGenome parent = grow.CreateRandom(random);
        for (int i = 0; i < 6; i++)
        {
            parent = grow.Mutate(parent, random, i);
        }

        var shrink = new CppnVariation(new ImageShape(1, 4, 4), s_none with { DeleteNodeRate = 1 });
        CppnGenome child = shrink.Mutate(parent, random, 0);

        Assert.Equal(parent.HiddenCount - 1, child.HiddenCount);
        int victim = Assert.Single(parent.Nodes.Select(n => n.Id).Except(child.Nodes.Select(n => n.Id)));
        Assert.True(victim > CppnGenome.FirstOutputId, "only hidden nodes may be deleted");
        Assert.DoesNotContain(child.Connections, c => c.From == victim || c.To == victim);
        Assert.Equal(parent.Connections.Where(c => c.From != victim && c.To != victim), child.Connections);
        Assert.Equal(parent.NextNodeId, child.NextNodeId);
    }

    [Fact]
    public void Deleting_a_node_when_there_is_none_changes_nothing()
    {
        var variation = new CppnVariation(new ImageShape(1, 4, 4), s_none with { DeleteNodeRate = 1, DeleteConnectionRate = 0 });
        var random = new DeterministicRandom(57);
        CppnGenome parent = variation.CreateRandom(random);

        CppnGenome child = variation.Mutate(parent, random, 0);

        Assert.Equal(parent.Nodes, child.Nodes);
        Assert.Equal(parent.Connections, child.Connections);
    }

    [Fact]
    public void Adding_a_connection_joins_a_new_pair_without_a_cycle()
    {
        var grow = new CppnVariation(new ImageShape(1, 4, 4), s_none with { AddNodeRate = 1 });
        var random = new DeterministicRandom(58);
        CppnGenome genome = grow.CreateRandom(random);
        for (int i = 0; i < 5; i++)
        {
            genome = grow.Mutate(genome, random, i);
        }

        var connect = new CppnVariation(new ImageShape(1, 4, 4), s_none with { AddConnectionRate = 1 });
        int added = 0;
        for (int i = 0; i < 30; i++)
        {
            CppnGenome child = connect.Mutate(genome, random, i);
            Assert.Equal(genome.Nodes, child.Nodes);
            Assert.True(child.Connections.Count - genome.Connections.Count is 0 or 1);
            if (child.Connections.Count > genome.Connections.Count)
            {
                added++;
                Assert.Equal(genome.Connections, child.Connections.Take(genome.Connections.Count));
                CppnConnection fresh = child.Connections[^1];
                Assert.DoesNotContain(genome.Connections, c => c.From == fresh.From && c.To == fresh.To);
                Assert.NotEqual(fresh.From, fresh.To);
            }

            genome = child;
        }

        Assert.True(added > 10, $"only {added} of 30 attempts added a connection");
    }

    [Fact]
    public void Deleting_a_connection_removes_exactly_one()
    {
        var variation = new CppnVariation(new ImageShape(3, 4, 4), s_none with { DeleteConnectionRate = 1 });
        var random = new DeterministicRandom(59);
        CppnGenome parent = variation.CreateRandom(random);

        CppnGenome child = variation.Mutate(parent, random, 0);

        Assert.Equal(parent.Connections.Count - 1, child.Connections.Count);
        Assert.All(child.Connections, c => Assert.Contains(c, parent.Connections));
    }

    [Fact]
    public void Activation_changes_always_pick_another_activation_and_never_touch_inputs()
    {
        var shape = new ImageShape(3, 4, 4);
        var variation = new CppnVariation(shape, s_none with { ActivationChangeRate = 1 });
        var random = new DeterministicRandom(60);
        CppnGenome genome = variation.CreateRandom(random);
        var reached = new HashSet<CppnActivation>();

        for (int i = 0; i < 50; i++)
        {
            CppnGenome child = variation.Mutate(genome, random, i);
            for (int n = 0; n < child.Nodes.Count; n++)
            {
                if (n < CppnGenome.InputCount)
                {
                    Assert.Equal(genome.Nodes[n], child.Nodes[n]);
                }
                else
                {
                    Assert.NotEqual(genome.Nodes[n].Activation, child.Nodes[n].Activation);
                    reached.Add(child.Nodes[n].Activation);
                }
            }

            Assert.Equal(genome.Connections, child.Connections);
            genome = child;
        }

        Assert.Equal(CppnActivations.All.Count, reached.Count);
    }

    [Fact]
    public void Weight_mutation_changes_weights_within_range_but_not_the_structure()
    {
        var variation = new CppnVariation(new ImageShape(3, 4, 4), s_none with { WeightMutationRate = 1 });
        var random = new DeterministicRandom(61);
        CppnGenome parent = variation.CreateRandom(random);

        CppnGenome child = variation.Mutate(parent, random, 0);

        Assert.Equal(parent.Nodes, child.Nodes);
        Assert.Equal(parent.Connections.Select(c => (c.From, c.To)), child.Connections.Select(c => (c.From, c.To)));
        int changed = parent.Connections.Zip(child.Connections).Count(p => p.First.Weight != p.Second.Weight);
        Assert.True(changed >= parent.Connections.Count - 1, $"only {changed} of {parent.Connections.Count} weights changed");
        Assert.All(child.Connections, c => Assert.InRange(c.Weight, -10f, 10f));
    }

    [Fact]
    public void With_every_rate_zero_a_mutant_is_an_exact_copy()
    {
        var variation = new CppnVariation(new ImageShape(1, 4, 4), s_none);
        var random = new DeterministicRandom(62);
        CppnGenome parent = variation.CreateRandom(random);

        CppnGenome child = variation.Mutate(parent, random, 0);

        Assert.Equal(parent.Nodes, child.Nodes);
        Assert.Equal(parent.Connections, child.Connections);
        Assert.Equal(parent.NextNodeId, child.NextNodeId);
    }

    [Fact]
    public void Equal_seeds_breed_equal_genomes()
    {
        var variation = new CppnVariation(new ImageShape(3, 4, 4), new CppnSettings { AddNodeRate = 0.5, AddConnectionRate = 0.5 });

        static CppnGenome Run(CppnVariation variation, long seed)
        {
            var random = new DeterministicRandom(seed);
            CppnGenome genome = variation.CreateRandom(random);
            for (int i = 0; i < 200; i++)
            {
                genome = variation.Mutate(genome, random, i);
            }

            return genome;
        }

        CppnGenome a = Run(variation, 63);
        CppnGenome b = Run(variation, 63);
        CppnGenome c = Run(variation, 64);

        Assert.Equal(a.Nodes, b.Nodes);
        Assert.Equal(a.Connections, b.Connections);
        Assert.Equal(a.NextNodeId, b.NextNodeId);
        Assert.NotEqual(a.Connections, c.Connections);
    }

    [Fact]
    public void There_is_no_crossover()
    {
        var variation = new CppnVariation(new ImageShape(1, 4, 4), new CppnSettings());
        var random = new DeterministicRandom(65);
        CppnGenome a = variation.CreateRandom(random);

        Assert.Equal(0, variation.CrossoverRate);
        Assert.Throws<NotSupportedException>(() => variation.Crossover(a, a, random));
    }
}
