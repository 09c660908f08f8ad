using System.Globalization;
using System.Text;

namespace FoolingCluster.Models.Imaging;

/// <summary>Text and number formatting for hand-written SVG.</summary>
internal static class SvgText
{
    /// <summary>
    /// <paramref name="text"/> made safe for XML content and attribute values: markup characters
    /// become entities, and characters XML cannot carry at all (control characters, lone
    /// surrogates) are dropped, since a single one would make the whole chart unparseable.
    /// </summary>
    public static string Escape(string text)
    {
        var escaped = new StringBuilder(text.Length + 8);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            switch (c)
            {
                case '&':
                    escaped.Append("&amp;");
                    break;
                case '<':
                    escaped.Append("&lt;");
                    break;
                case '>':
                    escaped.Append("&gt;");
                    break;
                case '"':
                    escaped.Append("&quot;");
                    break;
                case '\'':
                    escaped.Append("&apos;");
                    break;
                default:
                    if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                    {
                        escaped.Append(c).Append(text[i + 1]);
                        i++;
                    }
                    else if ((c >= 0x20 || c is '\t' or '\n' or '\r') && !char.IsSurrogate(c) && c is not ('\uFFFE' or '\uFFFF'))
                    {
                        escaped.Append(c);
                    }

                    break;
            }
        }

        return escaped.ToString();
    }

    /// <summary>A coordinate with at most two decimals: precise enough on screen, short in the file.</summary>
    public static string Coordinate(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    /// <summary>A tick label with a fixed number of decimals.</summary>
    public static string Number(double value, int decimals) => value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
}
