using System.Text;

namespace FoolingCluster.Models.Imaging;

/// <summary>
/// A self-contained SVG line chart for inlining in an HTML report: title, axis labels, numbered
/// ticks on both axes, one polyline per series, optional dashed reference lines and a legend on
/// the right. All text is XML-escaped; the output is a single <c>&lt;svg&gt;</c> element.
/// </summary>
public static class SvgLineChart
{
    private const int FontSize = 12;
    private const int TitleFontSize = 14;
    private const int MarginTop = 32;
    private const int MarginBottom = 46;
    private const int MarginLeft = 64;
    private const int MarginRight = 16;
    private const int LegendSwatch = 18;
    private const int LegendRowHeight = 16;

    // Average glyph width of a 12-pixel sans-serif font, to size the legend without measuring text.
    private const double CharacterWidth = 7;

    /// <summary>Ten colours that stay distinguishable on white (the Tableau 10 palette); index by class.</summary>
    public static IReadOnlyList<string> Palette { get; } =
    [
        "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
        "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
    ];

    /// <summary>Renders the chart as an SVG element string.</summary>
    /// <param name="title">Heading above the plot.</param>
    /// <param name="xLabel">Caption under the x axis.</param>
    /// <param name="yLabel">Caption beside the y axis, written vertically.</param>
    /// <param name="series">The lines; each gets one <c>&lt;polyline&gt;</c> (empty for a series with no finite points) and a legend entry; a lone point is also marked with a dot.</param>
    /// <param name="width">Overall width in pixels.</param>
    /// <param name="height">Overall height in pixels.</param>
    /// <param name="yRange">Fixed y-range, e.g. (0, 1) for probabilities; lines leaving it are clipped. Null fits the data with a 5% margin.</param>
    /// <param name="referenceLines">Dashed horizontal lines with labels; null for none.</param>
    /// <exception cref="ArgumentException">The y-range is empty or not finite, or the size leaves no room for the plot.</exception>
    public static string Render(
        string title,
        string xLabel,
        string yLabel,
        IReadOnlyList<SvgSeries> series,
        int width = 720,
        int height = 400,
        (double Min, double Max)? yRange = null,
        IReadOnlyList<SvgReferenceLine>? referenceLines = null)
    {
        ArgumentNullException.ThrowIfNull(title);
        ArgumentNullException.ThrowIfNull(xLabel);
        ArgumentNullException.ThrowIfNull(yLabel);
        ArgumentNullException.ThrowIfNull(series);
        referenceLines ??= [];

        int legendWidth = series.Count == 0 ? 0 : (int)Math.Ceiling(LegendSwatch + 6 + (series.Max(s => s.Name.Length) * CharacterWidth) + 12);
        var plot = new PlotArea(MarginLeft, MarginTop, width - MarginLeft - MarginRight - legendWidth, height - MarginTop - MarginBottom);
        if (plot.Width < 20 || plot.Height < 20)
        {
            throw new ArgumentException($"a {width}×{height} chart leaves no room for the plot beside a {legendWidth}-pixel legend", nameof(width));
        }

        (double xMin, double xMax) = Fit(series.SelectMany(s => s.Points).Where(IsFinite).Select(p => p.X), margin: 0);
        (double yMin, double yMax) = yRange ?? Fit(series.SelectMany(s => s.Points).Where(IsFinite).Select(p => p.Y), margin: 0.05);
        if (!double.IsFinite(yMin) || !double.IsFinite(yMax) || yMin >= yMax)
        {
            throw new ArgumentException($"the y-range must be finite with Min < Max, not ({yMin}, {yMax})", nameof(yRange));
        }

        var scale = new Scale(plot, xMin, xMax, yMin, yMax);
        var svg = new StringBuilder();
        svg.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" font-size=\"{FontSize}\">\n");
        svg.Append($"<rect width=\"{width}\" height=\"{height}\" fill=\"#fff\"/>\n");
        svg.Append($"<text x=\"{SvgText.Coordinate(plot.Left + (plot.Width / 2.0))}\" y=\"{MarginTop - 12}\" text-anchor=\"middle\" font-size=\"{TitleFontSize}\" font-weight=\"bold\">{SvgText.Escape(title)}</text>\n");
        AppendAxes(svg, plot, scale, xLabel, yLabel, height);
        AppendLines(svg, plot, scale, series, referenceLines);
        AppendLegend(svg, plot, series);
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private static bool IsFinite((double X, double Y) point) => double.IsFinite(point.X) && double.IsFinite(point.Y);

    // A degenerate range (no data, or all values equal) is widened so the scale never divides by zero.
    private static (double Min, double Max) Fit(IEnumerable<double> values, double margin)
    {
        double min = double.PositiveInfinity;
        double max = double.NegativeInfinity;
        foreach (double v in values)
        {
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }

        if (min > max)
        {
            return (0, 1);
        }

        if (min == max)
        {
            double half = Math.Max(Math.Abs(min) * 0.1, 0.5);
            return (min - half, max + half);
        }

        double pad = (max - min) * margin;
        return (min - pad, max + pad);
    }

    private static void AppendAxes(StringBuilder svg, PlotArea plot, Scale scale, string xLabel, string yLabel, int height)
    {
        (double[] xTicks, int xDecimals) = SvgTicks.Compute(scale.XMin, scale.XMax, Math.Max(2, (int)(plot.Width / 80)));
        (double[] yTicks, int yDecimals) = SvgTicks.Compute(scale.YMin, scale.YMax, Math.Max(2, (int)(plot.Height / 50)));
        string left = SvgText.Coordinate(plot.Left);
        string right = SvgText.Coordinate(plot.Right);
        string top = SvgText.Coordinate(plot.Top);
        string bottom = SvgText.Coordinate(plot.Bottom);

        svg.Append("<g stroke=\"#e4e4e4\">\n");
        foreach (double x in xTicks)
        {
            string sx = SvgText.Coordinate(scale.X(x));
            svg.Append($"<line x1=\"{sx}\" y1=\"{top}\" x2=\"{sx}\" y2=\"{bottom}\"/>\n");
        }

        foreach (double y in yTicks)
        {
            string sy = SvgText.Coordinate(scale.Y(y));
            svg.Append($"<line x1=\"{left}\" y1=\"{sy}\" x2=\"{right}\" y2=\"{sy}\"/>\n");
        }

        svg.Append("</g>\n");
        svg.Append($"<rect x=\"{left}\" y=\"{top}\" width=\"{SvgText.Coordinate(plot.Width)}\" height=\"{SvgText.Coordinate(plot.Height)}\" fill=\"none\" stroke=\"#444\"/>\n");

        svg.Append("<g fill=\"#333\">\n");
        foreach (double x in xTicks)
        {
            svg.Append($"<text x=\"{SvgText.Coordinate(scale.X(x))}\" y=\"{SvgText.Coordinate(plot.Bottom + 16)}\" text-anchor=\"middle\">{SvgText.Number(x, xDecimals)}</text>\n");
        }

        foreach (double y in yTicks)
        {
            svg.Append($"<text x=\"{SvgText.Coordinate(plot.Left - 6)}\" y=\"{SvgText.Coordinate(scale.Y(y) + 4)}\" text-anchor=\"end\">{SvgText.Number(y, yDecimals)}</text>\n");
        }

        svg.Append("</g>\n");
        svg.Append($"<text x=\"{SvgText.Coordinate(plot.Left + (plot.Width / 2))}\" y=\"{height - 8}\" text-anchor=\"middle\">{SvgText.Escape(xLabel)}</text>\n");
        svg.Append($"<text transform=\"rotate(-90)\" x=\"{SvgText.Coordinate(-(plot.Top + (plot.Height / 2)))}\" y=\"16\" text-anchor=\"middle\">{SvgText.Escape(yLabel)}</text>\n");
    }

    private static void AppendLines(StringBuilder svg, PlotArea plot, Scale scale, IReadOnlyList<SvgSeries> series, IReadOnlyList<SvgReferenceLine> referenceLines)
    {
        // A nested viewport with the same coordinates clips the lines to the plot without a
        // clipPath id, which could clash when several charts share one HTML page.
        string box = $"{SvgText.Coordinate(plot.Left)} {SvgText.Coordinate(plot.Top)} {SvgText.Coordinate(plot.Width)} {SvgText.Coordinate(plot.Height)}";
        svg.Append($"<svg x=\"{SvgText.Coordinate(plot.Left)}\" y=\"{SvgText.Coordinate(plot.Top)}\" width=\"{SvgText.Coordinate(plot.Width)}\" height=\"{SvgText.Coordinate(plot.Height)}\" viewBox=\"{box}\" overflow=\"hidden\">\n");
        var labels = new StringBuilder();
        foreach (SvgReferenceLine line in referenceLines)
        {
            if (!double.IsFinite(line.Y) || line.Y < scale.YMin || line.Y > scale.YMax)
            {
                continue;
            }

            string sy = SvgText.Coordinate(scale.Y(line.Y));
            svg.Append($"<line x1=\"{SvgText.Coordinate(plot.Left)}\" y1=\"{sy}\" x2=\"{SvgText.Coordinate(plot.Right)}\" y2=\"{sy}\" stroke=\"#555\" stroke-dasharray=\"5 4\"/>\n");
            // Labels go outside the clipped viewport so one near the top edge is not cut off.
            labels.Append($"<text x=\"{SvgText.Coordinate(plot.Right - 4)}\" y=\"{SvgText.Coordinate(scale.Y(line.Y) - 4)}\" text-anchor=\"end\" fill=\"#555\">{SvgText.Escape(line.Label)}</text>\n");
        }

        foreach (SvgSeries s in series)
        {
            string colour = SvgText.Escape(s.Colour);
            var points = new StringBuilder();
            (double X, double Y)? only = null;
            int count = 0;
            foreach ((double X, double Y) p in s.Points)
            {
                if (!IsFinite(p))
                {
                    continue;
                }

                if (count > 0)
                {
                    points.Append(' ');
                }

                points.Append(SvgText.Coordinate(scale.X(p.X))).Append(',').Append(SvgText.Coordinate(scale.Y(p.Y)));
                only = p;
                count++;
            }

            svg.Append($"<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"1.5\" stroke-linejoin=\"round\" points=\"{points}\"><title>{SvgText.Escape(s.Name)}</title></polyline>\n");
            if (count == 1 && only is (double X, double Y) dot)
            {
                // A polyline through one point draws nothing.
                svg.Append($"<circle cx=\"{SvgText.Coordinate(scale.X(dot.X))}\" cy=\"{SvgText.Coordinate(scale.Y(dot.Y))}\" r=\"3\" fill=\"{colour}\"/>\n");
            }
        }

        svg.Append("</svg>\n");
        svg.Append(labels);
    }

    private static void AppendLegend(StringBuilder svg, PlotArea plot, IReadOnlyList<SvgSeries> series)
    {
        double left = plot.Right + 12;
        for (int i = 0; i < series.Count; i++)
        {
            double y = plot.Top + 8 + (i * LegendRowHeight);
            string sy = SvgText.Coordinate(y);
            svg.Append($"<line x1=\"{SvgText.Coordinate(left)}\" y1=\"{sy}\" x2=\"{SvgText.Coordinate(left + LegendSwatch)}\" y2=\"{sy}\" stroke=\"{SvgText.Escape(series[i].Colour)}\" stroke-width=\"3\"/>\n");
            svg.Append($"<text x=\"{SvgText.Coordinate(left + LegendSwatch + 6)}\" y=\"{SvgText.Coordinate(y + 4)}\">{SvgText.Escape(series[i].Name)}</text>\n");
        }
    }

    private readonly record struct PlotArea(double Left, double Top, double Width, double Height)
    {
        public double Right => Left + Width;

        public double Bottom => Top + Height;
    }

    private readonly record struct Scale(PlotArea Plot, double XMin, double XMax, double YMin, double YMax)
    {
        // Clamped far outside the viewport: a wild value must still print as a finite number.
        public double X(double x) => Math.Clamp(Plot.Left + ((x - XMin) / (XMax - XMin) * Plot.Width), -1e6, 1e6);

        public double Y(double y) => Math.Clamp(Plot.Bottom - ((y - YMin) / (YMax - YMin) * Plot.Height), -1e6, 1e6);
    }
}
