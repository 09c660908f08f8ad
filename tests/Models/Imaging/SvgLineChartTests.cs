using System.Globalization;
using System.Xml.Linq;
using FoolingCluster.Models.Imaging;
using Xunit;

namespace FoolingCluster.Models.Tests.Imaging;

public sealed class SvgLineChartTests
{
    private static readonly XNamespace _svg = "http://www.w3.org/2000/svg";

    [Fact]
    public void Confidence_chart_parses_with_one_polyline_and_legend_entry_per_series()
    {
        var series = new List<SvgSeries>();
        for (int c = 0; c < 10; c++)
        {
            series.Add(new SvgSeries($"class {c}", Curve(50, c), SvgLineChart.Palette[c]));
        }

        series.Add(new SvgSeries("min", Curve(50, 20), "#000"));
        series.Add(new SvgSeries("median", Curve(50, 21), "#444"));
        series.Add(new SvgSeries("max", Curve(50, 22), "#888"));

        XDocument svg = Parse(SvgLineChart.Render("Confidence over generations", "generation", "confidence", series, yRange: (0, 1), referenceLines: [new SvgReferenceLine(0.9999, "99.99%")]));

        Assert.Equal(_svg + "svg", svg.Root!.Name);
        XElement[] polylines = [.. svg.Descendants(_svg + "polyline")];
        Assert.Equal(13, polylines.Length);
        Assert.Equal(SvgLineChart.Palette[3], polylines[3].Attribute("stroke")!.Value);
        Assert.Equal(50, polylines[0].Attribute("points")!.Value.Split(' ').Length);
        Assert.Equal("class 0", polylines[0].Element(_svg + "title")!.Value);
        string[] texts = Texts(svg);
        Assert.Contains("Confidence over generations", texts);
        Assert.Contains("generation", texts);
        Assert.Contains("confidence", texts);
        Assert.Contains("median", texts);
        Assert.Contains("99.99%", texts);
        Assert.Contains("0.0", texts);
        Assert.Contains("1.0", texts);
    }

    [Fact]
    public void Points_map_into_the_plot_area_with_y_up()
    {
        XDocument svg = Parse(SvgLineChart.Render("t", "x", "y", [new SvgSeries("s", [(0, 0), (10, 1)], "#000")], yRange: (0, 1)));

        double[][] points = [.. svg.Descendants(_svg + "polyline").Single().Attribute("points")!.Value.Split(' ')
            .Select(p => p.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray())];
        Assert.True(points[1][0] > points[0][0]);
        Assert.True(points[1][1] < points[0][1]);
    }

    [Fact]
    public void Empty_and_single_point_series_do_not_throw()
    {
        SvgSeries[] series =
        [
            new("empty", [], "#111"),
            new("one", [(3, 0.5)], "#222"),
            new("not finite", [(double.NaN, 1), (1, double.PositiveInfinity)], "#333"),
        ];

        XDocument svg = Parse(SvgLineChart.Render("t", "x", "y", series));

        Assert.Equal(3, svg.Descendants(_svg + "polyline").Count());
        Assert.Single(svg.Descendants(_svg + "circle"));
    }

    [Fact]
    public void No_series_at_all_still_draws_axes()
    {
        XDocument svg = Parse(SvgLineChart.Render("nothing yet", "x", "y", []));

        Assert.Empty(svg.Descendants(_svg + "polyline"));
        Assert.Contains("nothing yet", Texts(svg));
    }

    [Fact]
    public void Text_is_escaped()
    {
        const string title = "p < 0.5 && \"q\" > 'r'";
        XDocument svg = Parse(SvgLineChart.Render(title, "a<b", "c&d", [new SvgSeries("<series & co>", [(0, 1), (1, 2)], "#000")], referenceLines: [new SvgReferenceLine(1.5, "<ref>")]));

        string[] texts = Texts(svg);
        Assert.Contains(title, texts);
        Assert.Contains("a<b", texts);
        Assert.Contains("c&d", texts);
        Assert.Contains("<series & co>", texts);
        Assert.Contains("<ref>", texts);
    }

    [Fact]
    public void Characters_xml_cannot_hold_are_dropped()
    {
        XDocument svg = Parse(SvgLineChart.Render("bell\u0007 and \ud800 lone surrogate, \ud83d\ude00 pair", "x", "y", []));

        Assert.Contains("bell and  lone surrogate, \ud83d\ude00 pair", Texts(svg));
    }

    [Fact]
    public void Reference_lines_outside_the_range_are_left_out()
    {
        XDocument svg = Parse(SvgLineChart.Render("t", "x", "y", [], yRange: (0, 1), referenceLines: [new SvgReferenceLine(0.5, "half"), new SvgReferenceLine(2, "off the chart")]));

        string[] texts = Texts(svg);
        Assert.Contains("half", texts);
        Assert.DoesNotContain("off the chart", texts);
        Assert.Single(svg.Descendants(_svg + "line"), l => l.Attribute("stroke-dasharray") is not null);
    }

    [Fact]
    public void Wild_values_still_give_finite_coordinates()
    {
        string svg = SvgLineChart.Render("t", "x", "y", [new SvgSeries("s", [(0, -1e300), (1, 1e300), (2, 0.5)], "#000")], yRange: (0, 1));

        Parse(svg);
        Assert.DoesNotContain("Infinity", svg, StringComparison.Ordinal);
        Assert.DoesNotContain("NaN", svg, StringComparison.Ordinal);
        Assert.DoesNotContain("E+", svg, StringComparison.Ordinal);
    }

    [Fact]
    public void Ticks_use_nice_numbers()
    {
        XDocument svg = Parse(SvgLineChart.Render("t", "x", "y", [new SvgSeries("s", [(0, 0), (500, 1)], "#000")], yRange: (0, 1)));

        string[] texts = Texts(svg);
        Assert.Contains("0", texts);
        Assert.Contains("100", texts);
        Assert.Contains("500", texts);
        Assert.Contains("0.2", texts);
    }

    [Fact]
    public void Bad_arguments_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => SvgLineChart.Render("t", "x", "y", [], yRange: (1, 1)));
        Assert.Throws<ArgumentException>(() => SvgLineChart.Render("t", "x", "y", [], yRange: (0, double.NaN)));
        Assert.Throws<ArgumentException>(() => SvgLineChart.Render("t", "x", "y", [], width: 50, height: 50));
    }

    [Fact]
    public void Palette_has_ten_distinct_colours()
    {
        Assert.Equal(10, SvgLineChart.Palette.Distinct().Count());
        Assert.All(SvgLineChart.Palette, c => Assert.Matches("^#[0-9a-f]{6}$", c));
    }

    private static XDocument Parse(string svg) => XDocument.Parse(svg);

    private static string[] Texts(XDocument svg) => [.. svg.Descendants(_svg + "text").Select(t => t.Value)];

    private static List<(double X, double Y)> Curve(int count, int seed)
    {
        var random = new Random(seed);
        var points = new List<(double X, double Y)>();
        for (int i = 0; i < count; i++)
        {
            points.Add((i, random.NextDouble()));
        }

        return points;
    }
}
