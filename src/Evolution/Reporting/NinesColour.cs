using System.Globalization;

namespace FoolingCluster.Evolution.Reporting;

/// <summary>
/// The colour of a confidence on the scale of nines (<see cref="ConfidenceText.Nines"/>): the
/// viridis ramp from dark purple at 0 nines through teal at 4 (99.99%, the fooling threshold) to
/// yellow at 8, so a heat-map of many classes shows at a glance how close to 1 each one is.
/// The dashboard's script uses the same stops.
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
}
