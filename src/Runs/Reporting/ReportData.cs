using System.Text.Json;
using System.Text.Json.Serialization;
using FoolingCluster.Evolution.Archive;
using FoolingCluster.Evolution.Genomes;
using FoolingCluster.Runs;

namespace FoolingCluster.Runs.Reporting;

/// <summary>
/// What report.html's script reads (embedded as JSON): every filled cell with a small thumbnail,
/// and each cell's confidence over generations in nines, thinned so 1,000 cells stay a few
/// hundred kilobytes.
/// </summary>
internal static class ReportData
{
    /// <summary>Longest thumbnail side when every cell's thumbnail is embedded, for few and for many cells.</summary>
    private const int FewCellsThumbnail = 64, ManyCellsThumbnail = 32;

    /// <summary>Points per cell's history, for few and for many cells.</summary>
    private const int FewCellsPoints = 400, ManyCellsPoints = 100;

    private static readonly JsonSerializerOptions s_json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    /// <summary>The JSON text; safe inside a <c>&lt;script&gt;</c> element because the serializer escapes <c>&lt;</c>.</summary>
    public static string Json<TGenome>(IReadOnlyList<(Elite<TGenome> Elite, float[] Image)> elites, int cells, ImageShape shape, ClassLabels labels, IReadOnlyList<GenerationRecord> history)
    {
        bool many = cells > EliteGrid.AllUpTo;
        int side = many ? ManyCellsThumbnail : FewCellsThumbnail;
        IReadOnlyList<GenerationRecord> points = Thinning.Evenly(history, many ? ManyCellsPoints : FewCellsPoints);
        var data = new Data(
            cells,
            elites.Select(e => new Cell(
                e.Elite.Cell,
                labels.Label(e.Elite.Cell),
                e.Elite.Confidence,
                ConfidenceText.Percent(e.Elite.Confidence),
                e.Elite.Generation,
                "data:image/png;base64," + Convert.ToBase64String(Thumbnail.Png(e.Image, shape, side)),
                $"{RunFiles.ElitesFolder}/{e.Elite.Cell}.png")).ToArray(),
            points.Select(r => r.Generation).ToArray(),
            Enumerable.Range(0, cells).Select(c => points.Select(r => Math.Round(ConfidenceText.Nines(c < r.CellConfidences.Length ? r.CellConfidences[c] : 0), 2)).ToArray()).ToArray());
        return JsonSerializer.Serialize(data, s_json);
    }

    private sealed record Data(int Cells, Cell[] Elites, int[] Generations, double[][] Nines);

    private sealed record Cell(int Index, string Label, double Confidence, string Percent, int Generation, string Thumb, string Href);
}
