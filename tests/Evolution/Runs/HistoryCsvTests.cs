using FoolingCluster.Evolution.Archive;
using FoolingCluster.Runs;
using FoolingCluster.Runs.Reporting;
using FoolingCluster.Tests.Shared;
using Xunit;

namespace FoolingCluster.Evolution.Tests.Runs;

public sealed class HistoryCsvTests : IDisposable
{
    private const int Cells = 3;
    private const int Generations = 50;
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void The_header_names_the_fixed_columns_then_one_per_cell()
    {
        string header = HistoryCsv.Header(Cells);

        string[] columns = header.Split(',');
        Assert.Equal(11 + Cells, columns.Length);
        Assert.Equal("generation", columns[0]);
        Assert.Equal("cells_at_9999", columns[10]);
        Assert.Equal(["confidence_0", "confidence_1", "confidence_2"], columns[11..]);
    }

    [Fact]
    public void Named_cells_name_their_columns_and_a_quoted_comma_keeps_every_row_readable_and_truncatable()
    {
        string path = _dir.File(RunFiles.History);
        var labels = new ClassLabels(["tench", "crane, the bird", "say \"cheese\""]);

        HistoryCsv.Append(path, [Record(0), Record(1), Record(2)], Cells, labels);
        HistoryCsv.Truncate(path, nextGeneration: 2, Cells, Generations, labels);

        string header = File.ReadLines(path).First();
        Assert.EndsWith(",confidence_0 tench,\"confidence_1 crane, the bird\",\"confidence_2 say \"\"cheese\"\"\"", header);
        Assert.Equal([0, 1], HistoryCsv.Read(path, Generations).Select(r => r.Generation));
    }

    [Fact]
    public void Appended_rows_read_back_with_exact_confidences()
    {
        string path = _dir.File(RunFiles.History);
        GenerationRecord[] records = [Record(0), Record(1), Record(2)];

        HistoryCsv.Append(path, records[..2], Cells);
        HistoryCsv.Append(path, records[2..], Cells);
        List<GenerationRecord> back = HistoryCsv.Read(path, Generations);

        Assert.Equal(1, File.ReadAllLines(path).Count(l => l.StartsWith("generation,", StringComparison.Ordinal)));
        Assert.Equal(records.Length, back.Count);
        for (int i = 0; i < records.Length; i++)
        {
            GenerationRecord expected = records[i];
            GenerationRecord actual = back[i];
            Assert.Equal(expected.Generation, actual.Generation);
            Assert.Equal(Generations, actual.Generations);
            Assert.Equal(expected.Evaluations, actual.Evaluations);
            Assert.Equal(expected.SearchSeconds, actual.SearchSeconds, 3);
            Assert.Equal(Math.Round(expected.EvaluationsPerSecond), actual.EvaluationsPerSecond);
            Assert.Equal(expected.Stats, actual.Stats);
            Assert.Equal(expected.CellConfidences, actual.CellConfidences);
        }
    }

    [Fact]
    public void Reading_a_missing_file_gives_no_rows()
    {
        Assert.Empty(HistoryCsv.Read(_dir.File("absent.csv"), Generations));
    }

    [Fact]
    public void Truncate_keeps_only_rows_before_the_given_generation()
    {
        string path = _dir.File(RunFiles.History);
        HistoryCsv.Append(path, Enumerable.Range(0, 8).Select(Record), Cells);

        HistoryCsv.Truncate(path, nextGeneration: 5, Cells, Generations);

        List<GenerationRecord> kept = HistoryCsv.Read(path, Generations);
        Assert.Equal([0, 1, 2, 3, 4], kept.Select(r => r.Generation));
        Assert.Equal(HistoryCsv.Header(Cells), File.ReadLines(path).First());
        Assert.Equal(6, File.ReadAllLines(path).Length);
        Assert.Equal([Path.GetFileName(path)], Directory.GetFiles(_dir.Path).Select(Path.GetFileName));

        HistoryCsv.Append(path, [Record(5)], Cells);
        Assert.Equal([0, 1, 2, 3, 4, 5], HistoryCsv.Read(path, Generations).Select(r => r.Generation));
    }

    [Fact]
    public void Truncating_at_generation_zero_leaves_only_the_header()
    {
        string path = _dir.File(RunFiles.History);
        HistoryCsv.Append(path, [Record(0), Record(1)], Cells);

        HistoryCsv.Truncate(path, 0, Cells, Generations);

        Assert.Equal([HistoryCsv.Header(Cells)], File.ReadAllLines(path));
    }

    [Fact]
    public void Truncating_a_missing_file_creates_one_with_the_header()
    {
        string path = _dir.File(RunFiles.History);

        HistoryCsv.Truncate(path, 3, Cells, Generations);

        Assert.Equal([HistoryCsv.Header(Cells)], File.ReadAllLines(path));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(12)]
    [InlineData(25)]
    [InlineData(60)]
    public void A_torn_last_line_is_ignored(int charactersCut)
    {
        string path = _dir.File(RunFiles.History);
        HistoryCsv.Append(path, [Record(0), Record(1), Record(2)], Cells);
        string text = File.ReadAllText(path);

        // A crash mid-write leaves the last row without its end (and without a newline).
        File.WriteAllText(path, text[..^(charactersCut + Environment.NewLine.Length)]);

        Assert.Equal([0, 1], HistoryCsv.Read(path, Generations).Select(r => r.Generation));
    }

    [Fact]
    public void A_torn_line_is_dropped_by_truncate_and_appending_resumes_cleanly()
    {
        string path = _dir.File(RunFiles.History);
        HistoryCsv.Append(path, [Record(0), Record(1), Record(2)], Cells);
        string text = File.ReadAllText(path);
        File.WriteAllText(path, text[..^5]);

        HistoryCsv.Truncate(path, 10, Cells, Generations);
        HistoryCsv.Append(path, [Record(2)], Cells);

        Assert.Equal([0, 1, 2], HistoryCsv.Read(path, Generations).Select(r => r.Generation));
        Assert.All(HistoryCsv.Read(path, Generations), r => Assert.Equal(Cells, r.CellConfidences.Length));
    }

    [Fact]
    public void Rows_use_the_invariant_culture()
    {
        string row = HistoryCsv.Row(Record(3));

        Assert.DoesNotContain(";", row, StringComparison.Ordinal);
        Assert.Equal(11 + Cells, row.Split(',').Length);
        Assert.StartsWith("3,", row, StringComparison.Ordinal);
    }

    private static GenerationRecord Record(int generation)
    {
        float[] cells = [0.1f + (generation * 0.01f), 1f / 3, 0.99991234f];
        float[] sorted = [.. cells.Order()];
        var stats = new ArchiveStats(Cells, Cells, sorted[0], sorted[1], sorted[2], cells.Sum(c => (double)c), 1, 1);
        return new GenerationRecord(generation, Generations, 100L * (generation + 1), 1.2345 * generation, 987.6 + generation, stats, cells);
    }
}
