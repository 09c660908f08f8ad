using System.Globalization;

namespace FoolingCluster.Runs.Reporting;

/// <summary>
/// The colour of a confidence on the scale of nines (<see cref="ConfidenceText.Nines"/>): the
/// viridis ramp from dark purple at 0 nines through teal at 4 (99.99%, the fooling threshold) to
/// yellow at 8, so a heat-map of many classes shows at a glance how close to 1 each one is.
/// The live dashboard colours its heat-map with <see cref="Script"/>, built from the same stops,
/// so the two pages agree.
/// </summary>
public static class NinesColour
{
    /// <summary>Colour of a cell with no elite yet.</summary>
    public const string Empty = "#e4e4e4";

    private static readonly (byte R, byte G, byte B)[] s_stops =
    [
        (0x44, 0x01, 0x54), (0x3b, 0x52, 0x8b), (0x21, 0x90, 0x8d), (0x5d, 0xc9, 0x63), (0xfd, 0xe7, 0x25),
    ];

    /// <summary>"#rrggbb" for a confidence in [0,1].</summary>
    public static string Of(double confidence)
    {
        double t = ConfidenceText.Nines(confidence) / ConfidenceText.MaxNines * (s_stops.Length - 1);
        int i = Math.Clamp((int)Math.Floor(t), 0, s_stops.Length - 2);
        double f = Math.Clamp(t - i, 0, 1);
        (byte R, byte G, byte B) a = s_stops[i], b = s_stops[i + 1];
        byte Mix(byte x, byte y) => (byte)Math.Round(x + ((y - x) * f));
        return string.Create(CultureInfo.InvariantCulture, $"#{Mix(a.R, b.R):x2}{Mix(a.G, b.G):x2}{Mix(a.B, b.B):x2}");
    }

    /// <summary>
    /// A JavaScript function <c>ninesColour(p)</c> giving the same colour as <see cref="Of"/> for
    /// a confidence <c>p</c> (read as float32), or <see cref="Empty"/> for null.
    /// </summary>
    public static string Script { get; } = BuildScript();

    /// <summary>The legend under a heat-map: a swatch per landmark confidence and one for an empty cell, as HTML.</summary>
    public static string LegendHtml()
    {
        CultureInfo inv = CultureInfo.InvariantCulture;
        var html = new System.Text.StringBuilder("<div class=\"legend\">");
        foreach ((double nines, string text) in new[] { (0.0, "0%"), (1.0, "90%"), (2.0, "99%"), (3.0, "99.9%"), (4.0, "99.99%"), (6.0, "99.9999%"), (8.0, "≈ 1") })
        {
            html.Append(inv, $"<span><i style=\"background:{Of(1 - Math.Pow(10, -nines))}\"></i>{text}</span>");
        }

        return html.Append(inv, $"<span><i style=\"background:{Empty}\"></i>no elite</span></div>").ToString();
    }

    private static string BuildScript()
    {
        string stops = string.Join(",", s_stops.Select(s => string.Create(CultureInfo.InvariantCulture, $"[{s.R},{s.G},{s.B}]")));
        // Mirrors Of and ConfidenceText.Nines: float32 confidence, nines capped at MaxNines, a linear mix between stops.
        return string.Create(CultureInfo.InvariantCulture, $$"""
            function ninesColour(p) {
              if (p === null || p === undefined) { return "{{Empty}}"; }
              const stops = [{{stops}}];
              const q = Math.fround(p);
              const n = q >= 1 ? {{ConfidenceText.MaxNines}} : Math.min({{ConfidenceText.MaxNines}}, Math.max(0, -Math.log10(1 - q)));
              const t = n / {{ConfidenceText.MaxNines}} * (stops.length - 1);
              const i = Math.min(Math.max(Math.floor(t), 0), stops.length - 2);
              const f = Math.min(Math.max(t - i, 0), 1);
              return "#" + [0, 1, 2].map(k => Math.round(stops[i][k] + (stops[i + 1][k] - stops[i][k]) * f).toString(16).padStart(2, "0")).join("");
            }
            """);
    }
}
