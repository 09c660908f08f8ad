using System.Globalization;
using System.Text;
using FoolingCluster.Attacks.Transfer;

namespace FoolingCluster.Cli.Output;

/// <summary>A <see cref="TransferMatrix"/> as a console table, a Markdown table and CSV, all in accuracy.</summary>
internal static class TransferMatrixText
{
    private const string CleanRow = "clean";

    /// <summary>
    /// Aligned plain text: the clean row, then one row per source; the white-box diagonal in
    /// brackets, then the mean over the other models and the source's mean RMS distortion.
    /// </summary>
    public static string Console(TransferMatrix matrix)
    {
        List<string[]> rows =
        [
            [@"crafted on \ classified by", .. matrix.Names, "others' mean", "RMS distortion"],
            [CleanRow, .. Enumerable.Range(0, matrix.Models).Select(t => Percent(matrix.CleanAccuracy(t))), "", ""],
        ];
        for (int s = 0; s < matrix.Models; s++)
        {
            rows.Add([matrix.Names[s], .. Enumerable.Range(0, matrix.Models).Select(t => s == t ? $"[{Percent(matrix.Accuracy(s, t))}]" : Percent(matrix.Accuracy(s, t))), Percent(matrix.TransferAccuracy(s)), Distortion(matrix.MeanRmsDistortion[s])]);
        }

        int[] widths = [.. Enumerable.Range(0, rows[0].Length).Select(c => rows.Max(r => r[c].Length))];
        var text = new StringBuilder();
        foreach (string[] row in rows)
        {
            text.Append("  ").Append(row[0].PadRight(widths[0]));
            for (int c = 1; c < row.Length; c++)
            {
                text.Append("  ").Append(row[c].PadLeft(widths[c]));
            }

            text.AppendLine();
        }

        return text.ToString();
    }

    /// <summary>Markdown: a clean row, one row per source with the diagonal in bold, the others' mean and the mean RMS distortion.</summary>
    public static string Markdown(TransferMatrix matrix)
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"| crafted on ↓ · classified by → | {string.Join(" | ", matrix.Names)} | others' mean | RMS distortion |");
        md.AppendLine($"| --- |{string.Concat(Enumerable.Repeat(" ---: |", matrix.Models + 2))}");
        md.AppendLine(CultureInfo.InvariantCulture, $"| none (clean images) | {string.Join(" | ", Enumerable.Range(0, matrix.Models).Select(t => Percent(matrix.CleanAccuracy(t))))} | | |");
        for (int s = 0; s < matrix.Models; s++)
        {
            IEnumerable<string> cells = Enumerable.Range(0, matrix.Models).Select(t => s == t ? $"**{Percent(matrix.Accuracy(s, t))}**" : Percent(matrix.Accuracy(s, t)));
            md.AppendLine(CultureInfo.InvariantCulture, $"| {matrix.Names[s]} | {string.Join(" | ", cells)} | {Percent(matrix.TransferAccuracy(s))} | {Distortion(matrix.MeanRmsDistortion[s])} |");
        }

        return md.ToString();
    }

    /// <summary>
    /// CSV in fractions, not percent: header <c>source,&lt;model&gt;…</c>, a row <c>clean</c>,
    /// then one row per source model.
    /// </summary>
    public static string Csv(TransferMatrix matrix)
    {
        var csv = new StringBuilder();
        csv.AppendLine($"source,{string.Join(",", matrix.Names)}");
        csv.AppendLine($"{CleanRow},{string.Join(",", Enumerable.Range(0, matrix.Models).Select(t => Fraction(matrix.CleanAccuracy(t))))}");
        for (int s = 0; s < matrix.Models; s++)
        {
            csv.AppendLine($"{matrix.Names[s]},{string.Join(",", Enumerable.Range(0, matrix.Models).Select(t => Fraction(matrix.Accuracy(s, t))))}");
        }

        return csv.ToString();
    }

    private static string Percent(double fraction) =>
        double.IsNaN(fraction) ? "–" : (100 * fraction).ToString("0.00", CultureInfo.InvariantCulture);

    private static string Distortion(double rms) => rms.ToString("0.0000", CultureInfo.InvariantCulture);

    private static string Fraction(double fraction) => fraction.ToString("R", CultureInfo.InvariantCulture);
}
