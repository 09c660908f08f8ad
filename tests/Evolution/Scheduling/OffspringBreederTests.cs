using FoolingCluster.Evolution.Archive;
using FoolingCluster.Evolution.Randomness;
using FoolingCluster.Evolution.Scheduling;
using FoolingCluster.Evolution.Tests.Support;
using Xunit;

namespace FoolingCluster.Evolution.Tests.Scheduling;

public class OffspringBreederTests
{
    [Fact]
    public void Without_crossover_every_parent_is_mutated_once_in_order()
    {
        var variation = new RecordingVariation(crossoverRate: 0);
        int[] parents = [10, 20, 30, 40, 50, 60];

        IReadOnlyList<int> children = OffspringBreeder.Breed(parents, variation, new DeterministicRandom(1), generation: 7);

        Assert.Empty(variation.Crossovers);
        Assert.Equal(parents.Select(p => (p, 7)), variation.Mutations);
        Assert.Equal(parents.Select(p => p + RecordingVariation.MutationOffset), children);
    }

    [Fact]
    public void With_certain_crossover_consecutive_pairs_are_crossed_then_both_children_mutated()
    {
        var variation = new RecordingVariation(crossoverRate: 1);
        int[] parents = [1, 2, 3, 4, 5, 6];

        IReadOnlyList<int> children = OffspringBreeder.Breed(parents, variation, new DeterministicRandom(2), generation: 3);

        Assert.Equal([(1, 2), (3, 4), (5, 6)], variation.Crossovers);
        Assert.Equal([-1, -2, -3, -4, -5, -6], variation.Mutations.Select(m => m.Parent));
        Assert.All(variation.Mutations, m => Assert.Equal(3, m.Generation));
        Assert.Equal(parents.Select(p => -p + RecordingVariation.MutationOffset), children);
    }

    [Fact]
    public void An_odd_parent_out_is_only_mutated()
    {
        var variation = new RecordingVariation(crossoverRate: 1);
        int[] parents = [1, 2, 3, 4, 5];

        IReadOnlyList<int> children = OffspringBreeder.Breed(parents, variation, new DeterministicRandom(3), generation: 1);

        Assert.Equal(5, children.Count);
        Assert.Equal([(1, 2), (3, 4)], variation.Crossovers);
        Assert.Equal(5, variation.Mutations.Count);
        Assert.Equal(5 + RecordingVariation.MutationOffset, children[^1]);
    }

    [Fact]
    public void A_single_parent_gives_a_single_mutant_and_none_gives_none()
    {
        var variation = new RecordingVariation(crossoverRate: 1);

        Assert.Equal([9 + RecordingVariation.MutationOffset], OffspringBreeder.Breed([9], variation, new DeterministicRandom(4), 0));
        Assert.Empty(OffspringBreeder.Breed([], variation, new DeterministicRandom(4), 0));
        Assert.Empty(variation.Crossovers);
    }

    [Fact]
    public void Pairs_are_crossed_at_the_crossover_rate()
    {
        var variation = new RecordingVariation(crossoverRate: 0.3);
        int[] parents = [.. Enumerable.Range(0, 20_000)];

        IReadOnlyList<int> children = OffspringBreeder.Breed(parents, variation, new DeterministicRandom(5), 0);

        Assert.Equal(parents.Length, children.Count);
        Assert.Equal(parents.Length, variation.Mutations.Count);
        Assert.InRange(variation.Crossovers.Count, 2700, 3300);
        Assert.All(variation.Crossovers, c => Assert.True(c.A % 2 == 0 && c.B == c.A + 1, $"crossed {c.A} with {c.B}"));
    }

    [Fact]
    public void Parents_are_drawn_uniformly_with_replacement_from_filled_cells_only()
    {
        var archive = new EliteArchive<int>(5);
        archive.Restore(
            [new Elite<int>(0, 100, 0.5f, new float[5], 0, 0), new Elite<int>(2, 102, 0.5f, new float[5], 0, 1), new Elite<int>(4, 104, 0.5f, new float[5], 0, 2)],
            3);

        IReadOnlyList<int> parents = OffspringBreeder.SelectParents(archive, 30_000, new DeterministicRandom(6));

        Assert.Equal(30_000, parents.Count);
        Assert.Equal([100, 102, 104], parents.Distinct().Order());
        foreach (int genome in new[] { 100, 102, 104 })
        {
            Assert.InRange(parents.Count(p => p == genome), 9500, 10_500);
        }
    }

    [Fact]
    public void Selecting_from_an_empty_archive_fails()
    {
        Assert.Throws<InvalidOperationException>(() => OffspringBreeder.SelectParents(new EliteArchive<int>(3), 4, new DeterministicRandom(7)));
    }

    [Fact]
    public void Selection_and_breeding_are_reproducible_from_the_seed()
    {
        var archive = new EliteArchive<int>(10);
        archive.Restore(Enumerable.Range(0, 10).Select(c => new Elite<int>(c, c, 0.5f, new float[10], 0, c)), 10);

        IReadOnlyList<int> a = OffspringBreeder.SelectParents(archive, 50, new DeterministicRandom(8));
        IReadOnlyList<int> b = OffspringBreeder.SelectParents(archive, 50, new DeterministicRandom(8));
        IReadOnlyList<int> c = OffspringBreeder.SelectParents(archive, 50, new DeterministicRandom(9));

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }
}
