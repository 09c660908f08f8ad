using System.Globalization;
using System.Text;
using FoolingCluster.Models.Imaging;

namespace FoolingCluster.Defense.Retraining;

/// <summary>
/// The retraining loop's report: retrain.md (one row per network, and the published figures),
/// retrain.csv (the same with every class's best confidence) and retrain.svg (the curves).
/// </summary>
public static class RetrainReport
{
    private static readonly CultureInfo s_inv = CultureInfo.InvariantCulture;

    /// <summary>The markdown report.</summary>
    /// <param name="rows">One per network, in order.</param>
    /// <param name="config">The loop's settings.</param>
    /// <param name="header">Lines under the title: command, machine, time.</param>
    public static string Markdown(IReadOnlyList<NetworkMetrics> rows, RetrainConfig config, IReadOnlyList<string> header)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(config);
        var md = new StringBuilder("# n+1 class retraining (Nguyen, Yosinski & Clune 2015, §3.6–3.8)\n\n");
        foreach (string line in header)
        {
            md.AppendLine(s_inv, $"- {line}");
        }

        md.AppendLine(s_inv, $"- loop: {config.Iterations} rounds; {config.InitialImages:N0} fooling images in the first, {config.ImagesPerIteration:N0} more in each later one ({config.HeldOutFraction:P0} of each round's held out); networks trained {(config.Mode == "scratch" ? "from scratch" : "by fine-tuning the previous one")}; searches from {config.Search}{(config.Generations is int g ? $" with {g} generations" : "")}");
        md.AppendLine();
        md.AppendLine("| network | fooling images trained on | clean accuracy | held-out fooling images put in the fooling class | PGD L∞ accuracy | classes fooled ≥ 99.99 % | median best confidence | median generations to 99.99 % | train s | search s |");
        md.AppendLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (NetworkMetrics r in rows)
        {
            string rejected = r.HeldOutRejected is double h ? $"{h:P1} of {r.HeldOutImages:N0}" : "–";
            string pgd = r.PgdAccuracy is double p ? p.ToString("P1", s_inv) : "–";
            string generations = r.MedianGenerations is double m ? m.ToString("0.#", s_inv) : "never";
            md.AppendLine(s_inv, $"| {r.Network} | {r.FoolingTrainImages:N0} | {r.CleanAccuracy:P2} | {rejected} | {pgd} | {r.ClassesFooled}/{r.BestConfidence.Length} | {r.MedianConfidence:P4} | {generations} | {r.TrainSeconds:F0} | {r.SearchSeconds:F0} |");
        }

        md.AppendLine();
        md.AppendLine("Each row is one network: network 1 is trained on MNIST alone, network k + 1 on MNIST plus the fooling images evolved against networks 1 to k, labelled as an eleventh class. Clean accuracy counts an MNIST test image put in the fooling class as wrong. The held-out images were evolved against the previous network and never trained on. The last three search columns are the search run against that network, with the same budget every time; a network that resists evolution shows fewer classes fooled and more generations.");
        md.AppendLine();
        md.AppendLine("Nguyen et al. (2015) report that on MNIST evolution kept producing fooling images for every retrained network (§3.7), and that on ImageNet the median CPPN confidence fell from 88.1 % to 11.7 % after retraining (§3.8).");
        return md.ToString();
    }

    /// <summary>One line per network, with every class's best confidence and generation to 99.99 %.</summary>
    public static string Csv(IReadOnlyList<NetworkMetrics> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        int classes = rows.Count == 0 ? 0 : rows[0].BestConfidence.Length;
        var csv = new StringBuilder("network,outputs,fooling_train_images,clean_accuracy,held_out_images,held_out_rejected,pgd_accuracy,classes_fooled_9999,median_best_confidence,found_images,train_seconds,search_seconds");
        for (int c = 0; c < classes; c++)
        {
            csv.Append(s_inv, $",best_{c},generation_9999_{c}");
        }

        csv.Append('\n');
        foreach (NetworkMetrics r in rows)
        {
            csv.Append(s_inv, $"{r.Network},{r.Outputs},{r.FoolingTrainImages},{r.CleanAccuracy:R},{r.HeldOutImages},{r.HeldOutRejected?.ToString("R", s_inv)},{r.PgdAccuracy?.ToString("R", s_inv)},{r.ClassesFooled},{r.MedianConfidence:R},{r.FoundImages},{r.TrainSeconds:F1},{r.SearchSeconds:F1}");
            for (int c = 0; c < classes; c++)
            {
                csv.Append(s_inv, $",{r.BestConfidence[c]:R},{r.GenerationTo9999[c]}");
            }

            csv.Append('\n');
        }

        return csv.ToString();
    }

    /// <summary>Clean accuracy, held-out rejection, PGD accuracy and the fraction of classes evolution fooled, against the network number.</summary>
    public static string Svg(IReadOnlyList<NetworkMetrics> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var series = new List<SvgSeries>
        {
            new("clean accuracy", [.. rows.Select(r => ((double)r.Network, r.CleanAccuracy))], SvgLineChart.Palette[0]),
            new("held-out fooling images rejected", [.. rows.Where(r => r.HeldOutRejected is not null).Select(r => ((double)r.Network, r.HeldOutRejected!.Value))], SvgLineChart.Palette[1]),
            new("PGD L∞ accuracy", [.. rows.Where(r => r.PgdAccuracy is not null).Select(r => ((double)r.Network, r.PgdAccuracy!.Value))], SvgLineChart.Palette[2]),
            new("classes fooled ≥ 99.99 %", [.. rows.Select(r => ((double)r.Network, r.ClassesFooled / (double)Math.Max(1, r.BestConfidence.Length)))], SvgLineChart.Palette[3]),
            new("median best confidence", [.. rows.Select(r => ((double)r.Network, r.MedianConfidence))], SvgLineChart.Palette[4]),
        };
        return SvgLineChart.Render("n+1 class retraining", "network (1: MNIST only)", "fraction", series, 820, 400, yRange: (0, 1));
    }
}
