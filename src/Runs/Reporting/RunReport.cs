using System.Globalization;
using System.Net;
using System.Text;
using FoolingCluster.Evolution.Archive;
using FoolingCluster.Evolution.Genomes;
using FoolingCluster.Models.Imaging;
using FoolingCluster.Runs;
using FoolingCluster.Tensors.Serialization;

namespace FoolingCluster.Runs.Reporting;

/// <summary>Facts about a run shown at the top of its report.</summary>
/// <param name="RunId">Run folder name.</param>
/// <param name="Encoding">"cppn" or "direct".</param>
/// <param name="Model">Target model description.</param>
/// <param name="Generations">Configured last generation.</param>
/// <param name="SearchSeconds">Search time so far.</param>
/// <param name="FoundImages">Distinct images recorded at or above the record threshold.</param>
/// <param name="RecordThreshold">That threshold.</param>
public sealed record RunFacts(string RunId, string Encoding, string Model, int Generations, double SearchSeconds, int FoundImages, float RecordThreshold)
{
    /// <summary>How cells are named (the target model's class names, or indices).</summary>
    public ClassLabels Labels { get; init; } = ClassLabels.None;
}

/// <summary>
/// The pictures of a run: <c>elites.png</c> (<see cref="EliteGrid"/>), one 8-bit PNG per elite in
/// <c>elites/</c>, and <c>report.html</c>: the grid, a heat-map of every class's confidence, a
/// sortable, filterable table of elites with small embedded thumbnails linking to the full
/// images, a chosen class's confidence over generations, and the confidence curves as inline
/// SVG. The page needs nothing beside it (its script and style are inline) and stays usable and
/// a few megabytes at most with an ImageNet model's 1,000 classes.
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

        byte[] gridPng = PngWriter.Encode(EliteGrid.Compose(elites, shape, facts.Labels));
        WriteAtomically(Path.Combine(folder, RunFiles.ElitesGrid), gridPng);
        string data = ReportData.Json(elites, archive.Cells, shape, facts.Labels, history);
        WriteAtomically(Path.Combine(folder, RunFiles.Report), Encoding.UTF8.GetBytes(Html(facts, archive, elites.Count, gridPng, data, history)));
    }

    private static string Html<TGenome>(RunFacts facts, EliteArchive<TGenome> archive, int filled, byte[] gridPng, string data, IReadOnlyList<GenerationRecord> history)
    {
        CultureInfo inv = CultureInfo.InvariantCulture;
        ArchiveStats stats = archive.Stats();
        var html = new StringBuilder();
        string E(string s) => WebUtility.HtmlEncode(s);
        html.AppendLine("<!DOCTYPE html>");
        html.AppendLine("<html lang=\"en\"><head><meta charset=\"utf-8\">");
        html.AppendLine(inv, $"<title>Fooling images: {E(facts.RunId)}</title>");
        html.AppendLine(inv, $"<style>{ReportAssets.Css}</style>");
        html.AppendLine("</head><body>");
        html.AppendLine(inv, $"<h1>Fooling images: {E(facts.RunId)}</h1>");
        double evalsPerSecond = facts.SearchSeconds > 0 ? archive.Evaluations / facts.SearchSeconds : 0;
        int lastGeneration = history.Count > 0 ? history[^1].Generation : 0;
        html.AppendLine(inv, $"<p>{E(facts.Encoding.ToUpperInvariant())} encoding against <code>{E(facts.Model)}</code>. Generation {lastGeneration} of {facts.Generations}; {archive.Evaluations:N0} evaluations in {facts.SearchSeconds:F1} s of search ({evalsPerSecond:N0} per second).</p>");
        html.AppendLine(inv, $"<p><b>{stats.AtLeast9999} of {stats.Cells}</b> classes have an elite at ≥ 99.99% confidence, {stats.AtLeast99} at ≥ 99%; median elite confidence {ConfidenceText.Percent(stats.MedianConfidence)}, lowest {ConfidenceText.Percent(stats.MinConfidence)}. {facts.FoundImages:N0} distinct images reached {facts.RecordThreshold:P2} or more.</p>");
        html.AppendLine(inv, $"<h2>Elites</h2><p><img class=\"grid\" alt=\"elite grid\" src=\"data:image/png;base64,{Convert.ToBase64String(gridPng)}\"></p>");
        if (EliteGrid.ShowsExtremesOnly(filled))
        {
            html.AppendLine(inv, $"<p class=\"note\">The grid (<a href=\"{RunFiles.ElitesGrid}\">{RunFiles.ElitesGrid}</a>) shows the {EliteGrid.Extremes} most and the {EliteGrid.Extremes} least confident of the {filled:N0} elites; the heat-map and the table below show them all, and <code>{RunFiles.ElitesFolder}/</code> holds each at full size.</p>");
        }

        html.AppendLine("<h2>Every class</h2>");
        html.AppendLine("<p class=\"note\">One square per class, coloured by its elite's confidence on the scale of nines (below); hover for the class and its confidence, click to see its elite and its confidence over generations.</p>");
        html.AppendLine(HeatMap(archive, facts.Labels));
        html.AppendLine(NinesColour.LegendHtml());
        html.AppendLine("<div id=\"selected\" hidden></div>");
        html.AppendLine("<h2>Elites table</h2>");
        html.AppendLine(inv, $"<div class=\"controls\"><label>class <input id=\"filter\" type=\"search\" placeholder=\"index or name\"></label> <label>show <select id=\"view\"><option value=\"all\">all</option><option value=\"top\">top</option><option value=\"bottom\">bottom</option></select></label> <label><input id=\"count\" type=\"number\" min=\"1\" value=\"{(filled > EliteGrid.AllUpTo ? 50 : 10)}\"> by confidence</label> <span id=\"shown\"></span></div>");
        html.AppendLine("<table id=\"elites\"><thead><tr><th>image</th><th data-sort=\"index\" class=\"sortable\">class</th><th data-sort=\"confidence\" class=\"sortable\">confidence</th><th data-sort=\"generation\" class=\"sortable\">found in generation</th><th>file</th></tr></thead><tbody></tbody></table>");
        html.AppendLine("<h2>Confidence over generations</h2>");
        html.AppendLine("<p>On a scale of nines, −log10(1 − p): 2 is 99%, 4 is 99.99% (the fooling threshold), 8 is as close to 1 as a float32 probability gets; progress near 1 stays visible.</p>");
        if (archive.Cells <= SvgLineChart.Palette.Count)
        {
            html.AppendLine(ConfidenceChart(history, archive.Cells, facts.Labels));
        }

        html.AppendLine(NinesChart(history));
        html.AppendLine(inv, $"<script type=\"application/json\" id=\"report-data\">{data}</script>");
        html.AppendLine(inv, $"<script>{ReportAssets.Script}</script>");
        html.AppendLine("</body></html>");
        return html.ToString();
    }

    /// <summary>One square per cell, in cell order, coloured by confidence; empty cells grey.</summary>
    private static string HeatMap<TGenome>(EliteArchive<TGenome> archive, ClassLabels labels)
    {
        CultureInfo inv = CultureInfo.InvariantCulture;
        // Few classes get larger squares; many stay small so 1,000 fit in a few rows.
        var html = new StringBuilder(archive.Cells <= EliteGrid.AllUpTo ? "<div id=\"heatmap\" class=\"few\">" : "<div id=\"heatmap\">");
        for (int c = 0; c < archive.Cells; c++)
        {
            Elite<TGenome>? elite = archive[c];
            string title = WebUtility.HtmlEncode(labels.Caption(c) + ": " + (elite is null ? "no elite yet" : ConfidenceText.Percent(elite.Confidence)));
            string colour = elite is null ? NinesColour.Empty : NinesColour.Of(elite.Confidence);
            html.Append(inv, $"<span class=\"sq\" data-cell=\"{c}\" title=\"{title}\" style=\"background:{colour}\"></span>");
        }

        return html.Append("</div>").ToString();
    }

    private static string ConfidenceChart(IReadOnlyList<GenerationRecord> history, int cells, ClassLabels labels)
    {
        IReadOnlyList<GenerationRecord> points = Thinning.Evenly(history, MaxPointsPerSeries);
        var series = new List<SvgSeries>();
        for (int c = 0; c < cells; c++)
        {
            int cell = c;
            series.Add(new SvgSeries(labels.Caption(c), points.Select(r => ((double)r.Generation, ConfidenceText.Nines(r.CellConfidences[cell]))).ToArray(), SvgLineChart.Palette[c % SvgLineChart.Palette.Count]));
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
        IReadOnlyList<GenerationRecord> points = Thinning.Evenly(history, MaxPointsPerSeries);
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

    private static void WriteAtomically(string path, byte[] bytes)
    {
        using AtomicFile file = AtomicFile.Create(path);
        file.Stream.Write(bytes);
        file.Commit();
    }
}
