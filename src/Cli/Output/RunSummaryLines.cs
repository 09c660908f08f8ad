using FoolingCluster.Evolution.Archive;
using FoolingCluster.Runs.Reporting;
using Serilog.Core;

namespace FoolingCluster.Cli.Output;

/// <summary>
/// The elites listed at the end of a run: every one, in cell order, for up to
/// <see cref="EliteGrid.AllUpTo"/> cells; beyond that (an ImageNet model's 1,000) the ten most
/// and ten least confident, and where the rest are, so the summary stays readable.
/// </summary>
internal static class RunSummaryLines
{
    private const int EachEnd = 10;

    /// <summary>Logs one line per listed elite, "class 3" or "3 goldfish" as <paramref name="labels"/> says.</summary>
    public static void Log<TGenome>(Logger log, IReadOnlyList<Elite<TGenome>> elites, ClassLabels labels)
    {
        if (elites.Count <= EliteGrid.AllUpTo)
        {
            foreach (Elite<TGenome> elite in elites)
            {
                Line(log, elite, labels);
            }

            return;
        }

        Elite<TGenome>[] ranked = elites.OrderByDescending(e => e.Confidence).ThenBy(e => e.Cell).ToArray();
        log.Information("  the {Count} most confident of {Elites:N0} elites:", EachEnd, elites.Count);
        foreach (Elite<TGenome> elite in ranked.Take(EachEnd))
        {
            Line(log, elite, labels);
        }

        log.Information("  the {Count} least confident:", EachEnd);
        foreach (Elite<TGenome> elite in ranked.Skip(ranked.Length - EachEnd))
        {
            Line(log, elite, labels);
        }

        log.Information("  every elite is listed in report.html");
    }

    private static void Line<TGenome>(Logger log, Elite<TGenome> elite, ClassLabels labels) =>
        log.Information("  {Class:l}: {Confidence,9:l} (generation {Generation})", labels.Caption(elite.Cell), ConfidenceText.Percent(elite.Confidence), elite.Generation);
}
