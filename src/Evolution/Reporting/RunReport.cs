using System.Globalization;
using System.Net;
using System.Text;
using FoolingCluster.Evolution.Archive;
using FoolingCluster.Evolution.Genomes;
using FoolingCluster.Evolution.Runs;
using FoolingCluster.Models.Imaging;
using FoolingCluster.Tensors.Serialization;

namespace FoolingCluster.Evolution.Reporting;

/// <summary>Facts about a run shown at the top of its report.</summary>
/// <param name="RunId">Run folder name.</param>
/// <param name="Encoding">"cppn" or "direct".</param>
/// <param name="Model">Target model description.</param>
/// <param name="Generations">Configured last generation.</param>
/// <param name="SearchSeconds">Search time so far.</param>
/// <param name="FoundImages">Distinct images recorded at or above the record threshold.</param>
/// <param name="RecordThreshold">That threshold.</param>
public sealed record RunFacts(string RunId, string Encoding, string Model, int Generations, double SearchSeconds, int FoundImages, float RecordThreshold);

/// <summary>
/// The pictures of a run: <c>elites.png</c> (grid with class and confidence), one 8-bit PNG per
/// elite in <c>elites/</c>, and <c>report.html</c> with the grid and the confidence curves as
/// inline SVG, so the page needs nothing beside it.
/// </summary>
public static class RunReport
{
    /// <summary>Most points drawn per curve; longer histories are thinned evenly.</summary>
    private const int MaxPointsPerSeries = 400;

    /// <summary>Writes all three outputs into <paramref name="folder"/>.</summary>
    public static void Write<TGenome>(string folder, RunFacts facts, EliteArchive<TGenome> archive, IGenomeDecoder<TGenome> decoder, IReadOnlyList<GenerationRecord> history)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(archive);
        ArgumentNullException.ThrowIfNull(decoder);
        ArgumentNullException.ThrowIfNull(history);
        ImageShape shape = decoder.Shape;
        IReadOnlyList<(Elite<TGenome> Elite, float[] Image)> elites = EliteImages.Render(archive, decoder);

        Directory.CreateDirectory(Path.Combine(folder, RunFiles.ElitesFolder));
        foreach ((Elite<TGenome> elite, float[] image) in elites)
        {
            PngWriter.WriteFloat(Path.Combine(folder, RunFiles.ElitePng(elite.Cell)), image, shape.Channels, shape.Height, shape.Width);
        }

        RgbPicture grid = Grid(elites, shape);
        byte[] gridPng = PngWriter.Encode(grid);
        WriteAtomically(Path.Combine(folder, RunFiles.ElitesGrid), gridPng);
        WriteAtomically(Path.Combine(folder, RunFiles.Report), Encoding.UTF8.GetBytes(Html(facts, archive, elites.Select(e => e.Elite).ToArray(), gridPng, history)));
    }

    /// <summary>The grid: one tile per filled cell with "class k" and its confidence under it.</summary>
    public static RgbPicture Grid<TGenome>(IReadOnlyList<(Elite<TGenome> Elite, float[] Image)> elites, ImageShape shape)
    {
        ArgumentNullException.ThrowIfNull(elites);
        GridTile[] tiles = elites
            .Select(e => new GridTile(e.Image, shape.Channels, shape.Height, shape.Width, $"class {e.Elite.Cell}", ConfidenceText.Percent(e.Elite.Confidence)))
            .ToArray();
        return ImageGrid.Compose(tiles, columns: 5, scale: Math.Max(1, 112 / Math.Max(shape.Height, shape.Width)));
    }

    private static string Html<TGenome>(RunFacts facts, EliteArchive<TGenome> archive, IReadOnlyList<Elite<TGenome>> elites, byte[] gridPng, IReadOnlyList<GenerationRecord> history)
    {
        CultureInfo inv = CultureInfo.InvariantCulture;
        ArchiveStats stats = archive.Stats();
        var html = new StringBuilder();
        string E(string s) => WebUtility.HtmlEncode(s);
        html.AppendLine("<!DOCTYPE html>");
        html.AppendLine("<html lang=\"en\"><head><meta charset=\"utf-8\">");
        html.AppendLine(inv, $"<title>Fooling images: {E(facts.RunId)}</title>");
        html.AppendLine("<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:1000px;color:#222}table{border-collapse:collapse}td,th{padding:.25em .8em;border-bottom:1px solid #ddd;text-align:right}th{text-align:left}.fool{color:#060;font-weight:600}img{image-rendering:pixelated;border:1px solid #ccc}</style>");
        html.AppendLine("</head><body>");
        html.AppendLine(inv, $"<h1>Fooling images: {E(facts.RunId)}</h1>");
        double evalsPerSecond = facts.SearchSeconds > 0 ? archive.Evaluations / facts.SearchSeconds : 0;
        int lastGeneration = history.Count > 0 ? history[^1].Generation : 0;
        html.AppendLine(inv, $"<p>{E(facts.Encoding.ToUpperInvariant())} encoding against <code>{E(facts.Model)}</code>. Generation {lastGeneration} of {facts.Generations}; {archive.Evaluations:N0} evaluations in {facts.SearchSeconds:F1} s of search ({evalsPerSecond:N0} per second).</p>");
        html.AppendLine(inv, $"<p><b>{stats.AtLeast9999} of {stats.Cells}</b> classes have an elite at ≥ 99.99% confidence, {stats.AtLeast99} at ≥ 99%; median elite confidence {ConfidenceText.Percent(stats.MedianConfidence)}, lowest {ConfidenceText.Percent(stats.MinConfidence)}. {facts.FoundImages:N0} distinct images reached {facts.RecordThreshold:P2} or more.</p>");
        html.AppendLine(inv, $"<h2>Elites</h2><p><img alt=\"elite grid\" src=\"data:image/png;base64,{Convert.ToBase64String(gridPng)}\"></p>");
        html.AppendLine("<table><tr><th>class</th><th>confidence</th><th>found in generation</th><th>image</th></tr>");
        foreach (Elite<TGenome> e in elites)
        {
            string css = e.Confidence >= ArchiveStats.FoolingThreshold ? " class=\"fool\"" : string.Empty;
            html.AppendLine(inv, $"<tr><th>{e.Cell}</th><td{css}>{ConfidenceText.Percent(e.Confidence)}</td><td>{e.Generation}</td><td><a href=\"{RunFiles.ElitesFolder}/{e.Cell}.png\">{RunFiles.ElitesFolder}/{e.Cell}.png</a></td></tr>");
        }

        html.AppendLine("</table>");
        html.AppendLine("<h2>Confidence over generations</h2>");
        html.AppendLine("<p>On a scale of nines, −log10(1 − p): 2 is 99%, 4 is 99.99% (the fooling threshold), 8 is as close to 1 as a float32 probability gets; progress near 1 stays visible.</p>");
        html.AppendLine(ConfidenceChart(history, archive.Cells));
        html.AppendLine(NinesChart(history));
        html.AppendLine("</body></html>");
        return html.ToString();
    }

    private static string ConfidenceChart(IReadOnlyList<GenerationRecord> history, int cells)
    {
        IReadOnlyList<GenerationRecord> points = Thin(history);
        var series = new List<SvgSeries>();
        for (int c = 0; c < cells; c++)
        {
            int cell = c;
            series.Add(new SvgSeries($"class {c}", points.Select(r => ((double)r.Generation, ConfidenceText.Nines(r.CellConfidences[cell]))).ToArray(), SvgLineChart.Palette[c % SvgLineChart.Palette.Count]));
        }

        return SvgLineChart.Render(
            "Elite confidence per class",
            "generation",
            "nines: −log10(1 − p)",
            series,
            yRange: (0, ConfidenceText.MaxNines),
            referenceLines: [new SvgReferenceLine(2, "99%"), new SvgReferenceLine(4, "99.99%")]);
    }

    private static string NinesChart(IReadOnlyList<GenerationRecord> history)
    {
        IReadOnlyList<GenerationRecord> points = Thin(history);
        SvgSeries Line(string name, Func<ArchiveStats, float> pick, string colour) =>
            new(name, points.Select(r => ((double)r.Generation, ConfidenceText.Nines(pick(r.Stats)))).ToArray(), colour);
        return SvgLineChart.Render(
            "Lowest, median and highest elite confidence",
            "generation",
            "nines: −log10(1 − p)",
            [Line("lowest", s => s.MinConfidence, "#d62728"), Line("median", s => s.MedianConfidence, "#1f77b4"), Line("highest", s => s.MaxConfidence, "#2ca02c")],
            yRange: (0, ConfidenceText.MaxNines),
            referenceLines: [new SvgReferenceLine(2, "99%"), new SvgReferenceLine(4, "99.99%")]);
    }

    private static IReadOnlyList<GenerationRecord> Thin(IReadOnlyList<GenerationRecord> history)
    {
        if (history.Count <= MaxPointsPerSeries)
        {
            return history;
        }

        return Enumerable.Range(0, MaxPointsPerSeries)
            .Select(i => history[(int)((long)i * (history.Count - 1) / (MaxPointsPerSeries - 1))])
            .ToArray();
    }

    private static void WriteAtomically(string path, byte[] bytes)
    {
        using AtomicFile file = AtomicFile.Create(path);
        file.Stream.Write(bytes);
        file.Commit();
    }
}
