using FoolingCluster.Evolution.Archive;
using Xunit;

namespace FoolingCluster.Evolution.Tests.Archive;

public class ArchiveStatsTests
{
    [Fact]
    public void An_empty_archive_has_zero_statistics()
    {
        ArchiveStats stats = new EliteArchive<int>(5).Stats();

        Assert.Equal(new ArchiveStats(5, 0, 0, 0, 0, 0, 0, 0), stats);
        Assert.Equal(0, stats.Coverage);
    }

    [Fact]
    public void Statistics_over_an_odd_number_of_filled_cells()
    {
        EliteArchive<int> archive = With(6, (0, 0.3f), (2, 0.995f), (3, 0.99995f), (5, 0.1f), (4, 0.5f));

        ArchiveStats stats = archive.Stats();

        Assert.Equal(6, stats.Cells);
        Assert.Equal(5, stats.Filled);
        Assert.Equal(0.1f, stats.MinConfidence);
        Assert.Equal(0.5f, stats.MedianConfidence);
        Assert.Equal(0.99995f, stats.MaxConfidence);
        Assert.Equal(0.3 + 0.995 + 0.99995 + 0.1 + 0.5, stats.QdScore, 5);
        Assert.Equal(2, stats.AtLeast99);
        Assert.Equal(1, stats.AtLeast9999);
        Assert.Equal(5 / 6.0, stats.Coverage, 12);
    }

    [Fact]
    public void The_median_of_an_even_count_is_the_mean_of_the_middle_two()
    {
        EliteArchive<int> archive = With(4, (3, 0.9f), (0, 0.2f), (1, 0.4f), (2, 0.6f));

        ArchiveStats stats = archive.Stats();

        Assert.Equal(0.5f, stats.MedianConfidence, 1e-6f);
        Assert.Equal(0.2f, stats.MinConfidence);
        Assert.Equal(0.9f, stats.MaxConfidence);
        Assert.Equal(1.0, stats.Coverage);
    }

    [Fact]
    public void A_single_elite_is_min_median_and_max()
    {
        ArchiveStats stats = With(3, (1, 0.42f)).Stats();

        Assert.Equal(1, stats.Filled);
        Assert.Equal(0.42f, stats.MinConfidence);
        Assert.Equal(0.42f, stats.MedianConfidence);
        Assert.Equal(0.42f, stats.MaxConfidence);
        Assert.Equal(0.42f, stats.QdScore, 6);
    }

    [Fact]
    public void Thresholds_count_confidences_at_or_above_them()
    {
        EliteArchive<int> archive = With(5, (0, 0.99f), (1, 0.9999f), (2, MathF.BitDecrement(0.99f)), (3, MathF.BitDecrement(ArchiveStats.FoolingThreshold)), (4, 1f));

        ArchiveStats stats = archive.Stats();

        Assert.Equal(4, stats.AtLeast99);
        Assert.Equal(2, stats.AtLeast9999);
    }

    [Fact]
    public void The_quality_diversity_score_is_accumulated_in_double()
    {
        const int cells = 1000;
        var archive = new EliteArchive<int>(cells);
        var restored = Enumerable.Range(0, cells).Select(c => new Elite<int>(c, c, 0.1f, new float[cells], 0, c));
        archive.Restore(restored, cells);

        Assert.Equal(cells * (double)0.1f, archive.Stats().QdScore, 9);
    }

    private static EliteArchive<int> With(int cells, params (int Cell, float Confidence)[] elites)
    {
        var archive = new EliteArchive<int>(cells);
        archive.Restore(elites.Select((e, i) => new Elite<int>(e.Cell, i, e.Confidence, new float[cells], 0, i)), elites.Length);
        return archive;
    }
}
