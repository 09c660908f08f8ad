namespace FoolingCluster.Models.Imaging;

/// <summary>One line of an <see cref="SvgLineChart"/>.</summary>
/// <param name="Name">Shown in the legend and as the line's hover title.</param>
/// <param name="Points">(x, y) in data units, drawn in the given order; NaN and infinite points are skipped.</param>
/// <param name="Colour">An SVG colour, e.g. one of <see cref="SvgLineChart.Palette"/> or "#000".</param>
public sealed record SvgSeries(string Name, IReadOnlyList<(double X, double Y)> Points, string Colour);
