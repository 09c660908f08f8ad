using System.Globalization;
using FoolingCluster.Runs;
using FoolingCluster.Runs.Reporting;

namespace FoolingCluster.Cli.Evolution;

/// <summary>The live status line of a search.</summary>
internal static class SearchProgressFormat
{
    public static string Line(GenerationRecord r) => string.Create(
        CultureInfo.InvariantCulture,
        $"generation {r.Generation}/{r.Generations}  {r.EvaluationsPerSecond:N0} evals/s  cells ≥99%: {r.Stats.AtLeast99}/{r.Stats.Cells}  ≥99.99%: {r.Stats.AtLeast9999}/{r.Stats.Cells}  median elite {ConfidenceText.Percent(r.Stats.MedianConfidence)}  ({r.SearchSeconds:F1} s)");
}
