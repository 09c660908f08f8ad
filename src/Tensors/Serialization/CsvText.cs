using System.Text;

namespace FoolingCluster.Tensors.Serialization;

/// <summary>
/// CSV fields as RFC 4180 writes them: plain when they can be, quoted when they hold a comma,
/// a quote or a line break (as a class name such as "crane, the bird" may), so every CSV the
/// project writes keeps one column per field.
/// </summary>
public static class CsvText
{
    /// <summary><paramref name="text"/> as one CSV field, quoted and its quotes doubled where needed.</summary>
    public static string Field(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.AsSpan().IndexOfAny(",\"\r\n") >= 0
            ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
            : text;
    }

    /// <summary>The fields of one CSV line (no line breaks inside it), quotes removed and doubled quotes undone.</summary>
    public static List<string> Split(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var fields = new List<string>();
        var field = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c != '"')
                {
                    field.Append(c);
                }
                else if (i + 1 < line.Length && line[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else
                {
                    quoted = false;
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
            {
                field.Append(c);
            }
        }

        fields.Add(field.ToString());
        return fields;
    }
}
