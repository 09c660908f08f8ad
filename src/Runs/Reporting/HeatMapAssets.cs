namespace FoolingCluster.Runs.Reporting;

/// <summary>
/// What report.html and the live dashboard share to draw a heat-map of many cells on the scale of
/// nines: its style (heatmap.css: the squares, the legend, the chosen cell's panel), the colour
/// function (<see cref="NinesColour.Script"/>) and the legend (<see cref="NinesColour.LegendHtml"/>).
/// </summary>
public static class HeatMapAssets
{
    /// <summary>The heat-map's style sheet: <c>#heatmap</c> of <c>.sq</c> squares, <c>.legend</c>, <c>#selected</c>.</summary>
    public static string Css { get; } = ReportAssets.Read("heatmap.css");
}
