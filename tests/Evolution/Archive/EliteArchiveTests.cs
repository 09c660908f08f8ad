using FoolingCluster.Evolution.Archive;
using FoolingCluster.Tensors;
using Xunit;

namespace FoolingCluster.Evolution.Tests.Archive;

public class EliteArchiveTests
{
    [Fact]
    public void A_new_archive_is_empty()
    {
        var archive = new EliteArchive<string>(4);

        Assert.Equal(4, archive.Cells);
        Assert.Equal(0, archive.Evaluations);
        Assert.Empty(archive.Elites);
        Assert.All(Enumerable.Range(0, 4), c => Assert.Null(archive[c]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new EliteArchive<string>(0));
    }

    [Fact]
    public void The_first_candidate_fills_every_cell()
    {
        var archive = new EliteArchive<string>(3);
        float[] p = [0.2f, 0.5f, 0.3f];

        AddResult[] results = archive.Add(["a"], p, generation: 0);

        AddResult result = Assert.Single(results);
        Assert.Equal(AddStatus.New, result.Status);
        Assert.Equal(3, result.CellsEntered);
        Assert.Equal(1f, result.Improvement, 1e-6f);
        for (int cell = 0; cell < 3; cell++)
        {
            Elite<string> elite = archive[cell]!;
            Assert.Equal("a", elite.Genome);
            Assert.Equal(cell, elite.Cell);
            Assert.Equal(p[cell], elite.Confidence);
            Assert.Equal(p, elite.Probabilities);
            Assert.Equal(0, elite.Generation);
            Assert.Equal(0, elite.Id);
        }
    }

    [Fact]
    public void A_child_that_beats_two_elites_enters_both_cells()
    {
        var archive = new EliteArchive<string>(3);
        archive.Add(["parent"], [0.4f, 0.3f, 0.3f], 0);

        AddResult result = archive.Add(["child"], [0.1f, 0.45f, 0.45f], 1)[0];

        Assert.Equal(AddStatus.Improved, result.Status);
        Assert.Equal(2, result.CellsEntered);
        Assert.Equal(0.3f, result.Improvement, 1e-6f);
        Assert.Equal("parent", archive[0]!.Genome);
        Assert.Equal("child", archive[1]!.Genome);
        Assert.Equal("child", archive[2]!.Genome);
        Assert.Equal(1, archive[1]!.Generation);
        Assert.Equal(1, archive[2]!.Id);
        Assert.Equal(0.45f, archive[2]!.Confidence);
    }

    [Fact]
    public void A_tie_keeps_the_incumbent()
    {
        var archive = new EliteArchive<string>(2);
        archive.Add(["first"], [0.6f, 0.4f], 0);

        AddResult result = archive.Add(["second"], [0.6f, 0.4f], 1)[0];

        Assert.Equal(AddStatus.NotAdded, result.Status);
        Assert.Equal(0, result.CellsEntered);
        Assert.Equal(0f, result.Improvement);
        Assert.Equal("first", archive[0]!.Genome);
        Assert.Equal("first", archive[1]!.Genome);
    }

    [Fact]
    public void A_worse_candidate_changes_nothing_but_still_counts_as_an_evaluation()
    {
        var archive = new EliteArchive<string>(2);
        archive.Add(["first"], [0.6f, 0.4f], 0);

        AddResult result = archive.Add(["worse"], [0.59f, 0.39f], 1)[0];

        Assert.Equal(new AddResult(AddStatus.NotAdded, 0, 0f), result);
        Assert.Equal(2, archive.Evaluations);
        Assert.Equal("first", archive[0]!.Genome);
    }

    [Fact]
    public void Filling_an_empty_cell_outranks_improving_another()
    {
        var archive = new EliteArchive<string>(3);
        archive.Restore([new Elite<string>(0, "old", 0.2f, [0.2f, 0.3f, 0.5f], 0, 0)], 1);

        AddResult result = archive.Add(["new"], [0.5f, 0.25f, 0.25f], 1)[0];

        Assert.Equal(AddStatus.New, result.Status);
        Assert.Equal(3, result.CellsEntered);
        Assert.Equal(0.3f + 0.25f + 0.25f, result.Improvement, 1e-6f);
    }

    [Fact]
    public void Candidates_of_a_batch_are_added_in_order_and_numbered_by_evaluation()
    {
        var archive = new EliteArchive<string>(2);

        AddResult[] results = archive.Add(["a", "b", "c", "d"], [0.5f, 0.5f, 0.7f, 0.3f, 0.7f, 0.3f, 0.2f, 0.8f], 0);

        Assert.Equal([AddStatus.New, AddStatus.Improved, AddStatus.NotAdded, AddStatus.Improved], results.Select(r => r.Status));
        Assert.Equal(4, archive.Evaluations);
        Assert.Equal("b", archive[0]!.Genome);
        Assert.Equal(1, archive[0]!.Id);
        Assert.Equal("d", archive[1]!.Genome);
        Assert.Equal(3, archive[1]!.Id);
        Assert.Equal(["b", "d"], archive.Elites.Select(e => e.Genome));

        archive.Add(["e"], [0.9f, 0.1f], 1);
        Assert.Equal(4, archive[0]!.Id);
        Assert.Equal(5, archive.Evaluations);
    }

    [Fact]
    public void Elites_share_one_copy_of_the_probabilities_independent_of_the_callers_buffer()
    {
        var archive = new EliteArchive<string>(2);
        float[] p = [0.5f, 0.5f];

        archive.Add(["a"], p, 0);
        p[0] = 0.9f;

        Assert.Equal([0.5f, 0.5f], archive[0]!.Probabilities);
        Assert.Same(archive[0]!.Probabilities, archive[1]!.Probabilities);
    }

    [Fact]
    public void A_probability_block_of_the_wrong_size_is_rejected()
    {
        var archive = new EliteArchive<string>(3);

        Assert.Throws<ShapeMismatchException>(() => archive.Add(["a", "b"], new float[5], 0));
        Assert.Throws<ShapeMismatchException>(() => archive.Add(["a"], new float[4], 0));
        Assert.Equal(0, archive.Evaluations);
        Assert.Empty(archive.Elites);
    }

    [Fact]
    public void A_NaN_probability_never_replaces_an_elite()
    {
        var archive = new EliteArchive<string>(2);
        archive.Add(["a"], [0.5f, 0.5f], 0);

        AddResult result = archive.Add(["nan"], [float.NaN, 0.6f], 1)[0];

        Assert.Equal("a", archive[0]!.Genome);
        Assert.Equal("nan", archive[1]!.Genome);
        Assert.Equal(1, result.CellsEntered);
    }

    [Fact]
    public void A_NaN_probability_does_not_fill_an_empty_cell()
    {
        // A NaN elite could never be beaten (nothing compares greater than NaN) and a snapshot
        // holding one could not be loaded again.
        var archive = new EliteArchive<string>(3);

        AddResult first = archive.Add(["nan"], [float.NaN, 0.7f, float.NaN], 0)[0];
        AddResult second = archive.Add(["later"], [0.2f, 0.1f, 0.7f], 1)[0];

        Assert.Equal(new AddResult(AddStatus.New, 1, 0.7f), first);
        Assert.Equal("later", archive[0]!.Genome);
        Assert.Equal("nan", archive[1]!.Genome);
        Assert.Equal("later", archive[2]!.Genome);
        Assert.Equal(AddStatus.New, second.Status);
        Assert.Equal(2, second.CellsEntered);
        Assert.All(archive.Elites, e => Assert.False(float.IsNaN(e.Confidence)));
    }

    [Fact]
    public void Restore_fills_an_empty_archive_and_sets_the_evaluation_count()
    {
        var archive = new EliteArchive<string>(3);
        var elite0 = new Elite<string>(0, "x", 0.7f, [0.7f, 0.2f, 0.1f], 4, 17);
        var elite2 = new Elite<string>(2, "y", 0.6f, [0.3f, 0.1f, 0.6f], 5, 30);

        archive.Restore([elite0, elite2], 42);

        Assert.Same(elite0, archive[0]);
        Assert.Null(archive[1]);
        Assert.Same(elite2, archive[2]);
        Assert.Equal(42, archive.Evaluations);

        archive.Add(["z"], [0f, 0.5f, 0.5f], 6);

        Assert.Equal(42, archive[1]!.Id);
        Assert.Same(elite2, archive[2]);
        Assert.Equal(43, archive.Evaluations);
    }

    [Fact]
    public void Restore_refuses_an_archive_that_is_not_empty()
    {
        var filled = new EliteArchive<string>(2);
        filled.Add(["a"], [0.5f, 0.5f], 0);
        var counted = new EliteArchive<string>(2);
        counted.Restore([], 3);

        Assert.Throws<InvalidOperationException>(() => filled.Restore([], 0));
        Assert.Throws<InvalidOperationException>(() => counted.Restore([], 0));
    }

    [Fact]
    public void Restore_refuses_cells_out_of_range_or_repeated()
    {
        Assert.Throws<ArgumentException>(() => new EliteArchive<string>(2).Restore([new Elite<string>(2, "a", 0.5f, [0.5f, 0.5f], 0, 0)], 1));
        Assert.Throws<ArgumentException>(() => new EliteArchive<string>(2).Restore([new Elite<string>(-1, "a", 0.5f, [0.5f, 0.5f], 0, 0)], 1));
        Assert.Throws<ArgumentException>(() => new EliteArchive<string>(2).Restore(
            [new Elite<string>(1, "a", 0.5f, [0.5f, 0.5f], 0, 0), new Elite<string>(1, "b", 0.5f, [0.5f, 0.5f], 0, 1)], 2));
    }
}
