using System.Globalization;
using System.Text;
using FoolingCluster.Runs.Export;
using FoolingCluster.Runs.Reporting;

namespace FoolingCluster.Cli.Output;

/// <summary>
/// What <c>fooling transfer</c> prints and writes for one other model: each elite's class (by name
/// where the models name their classes, as the run's report does), its confidence under both models
/// and the other model's top class.
/// </summary>
internal static class TransferTable
{
    /// <summary>The printed table and its summary line.</summary>
    public static string Text(string runFolder, string other, string architecture, IReadOnlyList<TransferRow> rows, ClassLabels labels)
    {
        CultureInfo inv = CultureInfo.InvariantCulture;
        int width = Math.Max(5, rows.Count == 0 ? 0 : rows.Max(r => labels.Label(r.Cell).Length));
        var text = new StringBuilder();
        text.AppendLine(inv, $"elites of {runFolder} under {other} ({architecture}):");
        text.AppendLine(inv, $"  {"class".PadRight(width)}   run model   other model   other's top class");
        foreach (TransferRow r in rows)
        {
            text.AppendLine(inv, $"  {labels.Label(r.Cell).PadRight(width)}   {ConfidenceText.Percent(r.RunConfidence),9}   {ConfidenceText.Percent(r.OtherConfidence),11}   {labels.Label(r.OtherTopClass)} ({ConfidenceText.Percent(r.OtherTopConfidence)})");
        }

        int stillFooled = rows.Count(r => r.OtherConfidence >= 0.99f);
        double median = rows.Count == 0 ? 0 : rows.Select(r => (double)r.OtherConfidence).Order().ElementAt(rows.Count / 2);
        text.AppendLine(inv, $"  {stillFooled} of {rows.Count} elites reach ≥ 99% for their class under the other model; {rows.Count(r => r.OtherTopClass == r.Cell)} keep their class as its top class; median {ConfidenceText.Percent(median)}");
        return text.ToString();
    }

    /// <summary>
    /// <c>transfer-&lt;model&gt;.csv</c>: classes as indices; when the classes are named, two more
    /// columns at the end, <c>class_name</c> and <c>other_top_class_name</c>, so readers of the
    /// first five columns are unaffected.
    /// </summary>
    public static string Csv(IReadOnlyList<TransferRow> rows, ClassLabels labels)
    {
        bool named = labels.Names is not null;
        var csv = new StringBuilder("class,run_confidence,other_confidence,other_top_class,other_top_confidence");
        csv.Append(named ? ",class_name,other_top_class_name\n" : "\n");
        foreach (TransferRow r in rows)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{r.Cell},{r.RunConfidence:R},{r.OtherConfidence:R},{r.OtherTopClass},{r.OtherTopConfidence:R}");
            csv.Append(named ? $",{labels.CsvName(r.Cell)},{labels.CsvName(r.OtherTopClass)}\n" : "\n");
        }

        return csv.ToString();
    }
}
