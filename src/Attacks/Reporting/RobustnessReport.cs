using System.Globalization;
using System.Text;
using FoolingCluster.Attacks.Robustness;
using FoolingCluster.Models.Imaging;
using FoolingCluster.Tensors.Serialization;

namespace FoolingCluster.Attacks.Reporting;

/// <summary>Where and how a robustness evaluation was run, for the report's header.</summary>
/// <param name="Model">The model's name or path.</param>
/// <param name="CommandLine">The command that produced the report.</param>
/// <param name="Machine">A description of the machine.</param>
/// <param name="Images">What the images are, e.g. "the first 1,000 MNIST test images".</param>
/// <param name="Seconds">Wall-clock time of the whole evaluation.</param>
/// <param name="Gradients">"exact", or how the attacks' gradients were estimated.</param>
public sealed record RobustnessReportInfo(string Model, string CommandLine, string Machine, string Images, double Seconds, string Gradients = "exact");

/// <summary>A published row of the ABS paper's table, shown beside the measured one.</summary>
/// <param name="Model">Model and source.</param>
/// <param name="Clean">Clean accuracy.</param>
/// <param name="Figures">Per norm: accuracy at the paper's radius and median distance (NaN where the paper gives none).</param>
public sealed record PublishedRobustness(string Model, double Clean, IReadOnlyDictionary<string, (double Accuracy, double Median)> Figures)
{
    /// <summary>
    /// The undefended CNN of Schott et al. (2019), as read from their Figure 2 and Table 1: clean
    /// 99.1 %, L2 8 % at 1.5 (median ≈ 1.1), L∞ 0 % at 0.3 (median ≈ 0.08), L0 19 % at 12.
    /// </summary>
    public static PublishedRobustness SchottCnn { get; } = new(
        "CNN, Schott et al. (2019), published",
        0.991,
        new Dictionary<string, (double, double)> { ["l0"] = (0.19, double.NaN), ["l2"] = (0.08, 1.1), ["linf"] = (0.0, 0.08) });

    /// <summary>ABS as Schott et al. (2019) report it (medians read from their curves): clean 99.0 %, L2 80 % at 1.5 (≈ 2.2), L∞ 8 % at 0.3 (≈ 0.23), L0 69 % at 12 (≈ 16).</summary>
    public static PublishedRobustness SchottAbs { get; } = new(
        "ABS, Schott et al. (2019), published",
        0.99,
        new Dictionary<string, (double, double)> { ["l0"] = (0.69, 16), ["l2"] = (0.80, 2.2), ["linf"] = (0.08, 0.23) });

    /// <summary>Binary ABS as Schott et al. (2019) report it: clean 99.0 %, L2 39 % at 1.5 (≈ 1.3), L∞ 77 % at 0.3 (≈ 0.44), L0 77 % at 12 (≈ 21).</summary>
    public static PublishedRobustness SchottBinaryAbs { get; } = new(
        "Binary ABS, Schott et al. (2019), published",
        0.99,
        new Dictionary<string, (double, double)> { ["l0"] = (0.77, 21), ["l2"] = (0.39, 1.3), ["linf"] = (0.77, 0.44) });

    /// <summary>Madry et al.'s adversarially trained network as Schott et al. (2019) report it: clean 98.8 %, L∞ 87 % at 0.3.</summary>
    public static PublishedRobustness SchottMadry { get; } = new(
        "Madry et al., in Schott et al. (2019), published",
        0.988,
        new Dictionary<string, (double, double)> { ["linf"] = (0.87, double.NaN) });

    /// <summary>Every published row, in the paper's order.</summary>
    public static IReadOnlyList<PublishedRobustness> All { get; } = [SchottCnn, SchottMadry, SchottAbs, SchottBinaryAbs];
}

/// <summary>
/// Writes a robustness evaluation as robustness.md (the ABS paper's table, then every attack's
/// figures), robustness.csv (one row per image) and robustness.svg (accuracy against distance,
/// one panel per norm).
/// </summary>
public static class RobustnessReport
{
    private static readonly CultureInfo s_inv = CultureInfo.InvariantCulture;

    /// <summary>The norm as the paper writes it.</summary>
    public static string NormLabel(string norm) => norm switch
    {
        "linf" => "L∞",
        "l2" => "L2",
        "l0" => "L0",
        _ => norm,
    };

    /// <summary>
    /// Several evaluations side by side in the paper's form, the published rows under them: the
    /// table <c>fooling robustness-table</c> writes.
    /// </summary>
    public static string CombinedMarkdown(IReadOnlyList<(RobustnessSummary Summary, string Folder)> measured, IReadOnlyList<PublishedRobustness> published)
    {
        ArgumentNullException.ThrowIfNull(measured);
        ArgumentNullException.ThrowIfNull(published);
        string[] norms = [.. RobustnessPlan.AllNorms.Where(n => measured.Any(m => m.Summary.Norms.Any(s => s.Norm == n)))];
        var md = new StringBuilder("| model | images | clean |");
        var rule = new StringBuilder("| --- | ---: | ---: |");
        foreach (string norm in norms)
        {
            md.Append(s_inv, $" {NormLabel(norm)} acc. at {Number(RobustnessPlan.Threshold(norm))} | {NormLabel(norm)} median |");
            rule.Append(" ---: | ---: |");
        }

        md.Append('\n').Append(rule).Append('\n');
        foreach ((RobustnessSummary summary, string folder) in measured)
        {
            string gradients = summary.Gradients == "exact" ? "" : $", gradients {summary.Gradients}";
            md.Append(s_inv, $"| {summary.Model} (measured{gradients}; `{folder}`) | {summary.Images:N0} | {Percent(summary.CleanAccuracy)} |");
            foreach (string norm in norms)
            {
                NormSummary? n = summary.Norms.FirstOrDefault(s => s.Norm == norm);
                md.Append(n is null ? " – | – |" : $" {Percent(n.Accuracy)} | {Number(n.Median ?? double.PositiveInfinity)} |");
            }

            md.Append('\n');
        }

        foreach (PublishedRobustness paper in published)
        {
            md.Append(s_inv, $"| {paper.Model} | 1,000 | {Percent(paper.Clean)} |");
            foreach (string norm in norms)
            {
                (double accuracy, double median) = paper.Figures.TryGetValue(norm, out var figures) ? figures : (double.NaN, double.NaN);
                md.Append(s_inv, $" {Percent(accuracy)} | {Number(median)} |");
            }

            md.Append('\n');
        }

        return md.ToString();
    }

    /// <summary>The markdown report.</summary>
    /// <param name="published">Rows from the literature to show beside the measured one.</param>
    public static string Markdown(RobustnessResult result, RobustnessReportInfo info, IReadOnlyList<PublishedRobustness> published)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(published);
        var md = new StringBuilder();
        md.AppendLine(s_inv, $"# Robustness of {info.Model}");
        md.AppendLine();
        md.AppendLine(s_inv, $"- command: `{info.CommandLine}`");
        md.AppendLine(s_inv, $"- images: {info.Images} ({result.Count:N0})");
        md.AppendLine(s_inv, $"- machine: {info.Machine}");
        md.AppendLine(s_inv, $"- gradients: {info.Gradients}");
        md.AppendLine(s_inv, $"- measured: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {info.Seconds:F0} s in all");
        md.AppendLine("- method: every image is attacked by every attack of a norm; its distance is the smallest any of them found (0 for images misclassified already, +∞ where none succeeded). Accuracy at a radius counts the images with no adversarial within it; medians count failures as +∞ (Schott et al. 2019).");
        md.AppendLine();
        md.AppendLine("## Summary, in the form of Schott et al. (2019), Table 1");
        md.AppendLine();
        var header = new StringBuilder("| model | clean |");
        var rule = new StringBuilder("| --- | ---: |");
        foreach (NormRobustness norm in result.Norms)
        {
            string label = NormLabel(norm.Norm);
            header.Append(s_inv, $" {label} acc. at {Number(RobustnessPlan.Threshold(norm.Norm))} | {label} median |");
            rule.Append(" ---: | ---: |");
        }

        md.AppendLine(header.ToString());
        md.AppendLine(rule.ToString());
        var row = new StringBuilder(string.Create(s_inv, $"| {info.Model} (measured) | {Percent(result.CleanAccuracy)} |"));
        foreach (NormRobustness norm in result.Norms)
        {
            row.Append(s_inv, $" {Percent(norm.AccuracyWithin(RobustnessPlan.Threshold(norm.Norm)))} | {Number(norm.MedianDistance)} |");
        }

        md.AppendLine(row.ToString());
        foreach (PublishedRobustness paper in published)
        {
            var line = new StringBuilder(string.Create(s_inv, $"| {paper.Model} | {Percent(paper.Clean)} |"));
            foreach (NormRobustness norm in result.Norms)
            {
                (double accuracy, double median) = paper.Figures.TryGetValue(norm.Norm, out var figures) ? figures : (double.NaN, double.NaN);
                line.Append(s_inv, $" {Percent(accuracy)} | {Number(median)} |");
            }

            md.AppendLine(line.ToString());
        }

        foreach (NormRobustness norm in result.Norms)
        {
            AppendNorm(md, norm, result.Count);
        }

        md.AppendLine();
        md.AppendLine("Files: `robustness.csv` has one row per image (label, clean prediction right or wrong, every attack's distance and the smallest); `robustness.svg` plots accuracy against distance; `robustness.png` shows the first images and their closest adversarial in each norm.");
        return md.ToString();
    }

    /// <summary>One row per image: label, whether it was classified correctly, and per norm the smallest distance, the attack that found it and every attack's distance.</summary>
    /// <param name="result">The evaluation.</param>
    /// <param name="classNames">The model's class names, in class order; when given, each row ends with its label's name in a <c>label_name</c> column, so readers of the other columns are unaffected.</param>
    public static string Csv(RobustnessResult result, IReadOnlyList<string>? classNames = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        var csv = new StringBuilder("image,label,clean_correct");
        foreach (NormRobustness norm in result.Norms)
        {
            csv.Append(s_inv, $",{norm.Norm}_smallest,{norm.Norm}_best_attack");
            foreach (AttackDistances attack in norm.Attacks)
            {
                csv.Append(s_inv, $",{norm.Norm}_{attack.Attack}");
            }
        }

        csv.Append(classNames is null ? "\n" : ",label_name\n");
        for (int i = 0; i < result.Count; i++)
        {
            csv.Append(s_inv, $"{i},{result.Labels[i]},{(result.CleanCorrect[i] ? 1 : 0)}");
            foreach (NormRobustness norm in result.Norms)
            {
                string bestName = norm.Best[i] < 0 ? "" : norm.Attacks[norm.Best[i]].Attack;
                csv.Append(s_inv, $",{Csv(norm.Smallest[i])},{bestName}");
                foreach (AttackDistances attack in norm.Attacks)
                {
                    csv.Append(',').Append(Csv(attack.Distances[i]));
                }
            }

            if (classNames is not null)
            {
                int label = result.Labels[i];
                csv.Append(',').Append(CsvText.Field(label >= 0 && label < classNames.Count ? classNames[label] : string.Empty));
            }

            csv.Append('\n');
        }

        return csv.ToString();
    }

    /// <summary>Accuracy against distance, one panel per norm side by side: the smallest over all attacks in black, each attack in colour.</summary>
    public static string Svg(RobustnessResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        const int panelWidth = 520;
        const int panelHeight = 360;
        var svg = new StringBuilder();
        int width = panelWidth * result.Norms.Count;
        svg.Append(s_inv, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{panelHeight}\" viewBox=\"0 0 {width} {panelHeight}\">\n");
        for (int k = 0; k < result.Norms.Count; k++)
        {
            NormRobustness norm = result.Norms[k];
            double threshold = RobustnessPlan.Threshold(norm.Norm);
            double[] finite = norm.Smallest.Where(double.IsFinite).Order().ToArray();
            double spread = finite.Length == 0 ? 0 : finite[(int)(0.95 * (finite.Length - 1))];
            double max = Math.Max(2 * threshold, spread * 1.1);
            var series = new List<SvgSeries> { new("all attacks", RobustnessStatistics.Curve(norm.Smallest, max), "#000000") };
            for (int a = 0; a < norm.Attacks.Count; a++)
            {
                series.Add(new SvgSeries(norm.Attacks[a].Attack, RobustnessStatistics.Curve(norm.Attacks[a].Distances, max), SvgLineChart.Palette[a % SvgLineChart.Palette.Count]));
            }

            string label = NormLabel(norm.Norm);
            string panel = SvgLineChart.Render(
                $"{label}: accuracy {Percent(norm.AccuracyWithin(threshold))} at {Number(threshold)}",
                $"{label} distance of the adversarial",
                "accuracy",
                series,
                panelWidth,
                panelHeight,
                yRange: (0, 1));
            svg.Append(s_inv, $"<g transform=\"translate({k * panelWidth},0)\">\n").Append(panel).Append("</g>\n");
        }

        svg.Append("</svg>\n");
        return svg.ToString();
    }

    /// <summary>
    /// The first images and, under each, its closest adversarial in every norm with the distance,
    /// or the image itself marked "none" where no attack succeeded.
    /// </summary>
    /// <param name="images">The clean images, <c>[N·size]</c>.</param>
    /// <param name="shape">Channels, height and width of one image.</param>
    /// <param name="columns">Images shown.</param>
    public static RgbPicture Picture(RobustnessResult result, float[] images, (int Channels, int Height, int Width) shape, int columns = 10)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(images);
        int shown = Math.Min(columns, result.Count);
        int size = result.ImageSize;
        var tiles = new List<GridTile>();
        for (int i = 0; i < shown; i++)
        {
            tiles.Add(new GridTile(images.AsSpan(i * size, size).ToArray(), shape.Channels, shape.Height, shape.Width, $"label {result.Labels[i]}", result.CleanCorrect[i] ? "clean" : "wrong"));
        }

        foreach (NormRobustness norm in result.Norms)
        {
            for (int i = 0; i < shown; i++)
            {
                string distance = double.IsFinite(norm.Smallest[i]) ? $"{NormLabel(norm.Norm).Replace("∞", "inf", StringComparison.Ordinal)} {Number(norm.Smallest[i])}" : "none";
                string by = norm.Best[i] < 0 ? "" : norm.Attacks[norm.Best[i]].Attack;
                tiles.Add(new GridTile(norm.Adversarials.AsSpan(i * size, size).ToArray(), shape.Channels, shape.Height, shape.Width, distance, by));
            }
        }

        return ImageGrid.Compose(tiles, shown, scale: 3, padding: 6, textScale: 1);
    }

    private static void AppendNorm(StringBuilder md, NormRobustness norm, int count)
    {
        string label = NormLabel(norm.Norm);
        double threshold = RobustnessPlan.Threshold(norm.Norm);
        md.AppendLine();
        md.AppendLine(s_inv, $"## {label}");
        md.AppendLine();
        md.AppendLine(s_inv, $"| attack | success | median {label} | acc. at {Number(threshold)} | smallest for | time | settings |");
        md.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | --- |");
        for (int a = 0; a < norm.Attacks.Count; a++)
        {
            AttackDistances attack = norm.Attacks[a];
            double success = attack.Distances.Count(double.IsFinite) / (double)count;
            int smallestFor = norm.Best.Count(b => b == a);
            md.AppendLine(s_inv, $"| {attack.Attack} | {Percent(success)} | {Number(RobustnessStatistics.Median(attack.Distances))} | {Percent(RobustnessStatistics.AccuracyWithin(attack.Distances, threshold))} | {smallestFor:N0} | {attack.Seconds:F1} s | {attack.Description} |");
        }

        md.AppendLine(s_inv, $"| **all attacks** | {Percent(norm.Smallest.Count(double.IsFinite) / (double)count)} | **{Number(norm.MedianDistance)}** | **{Percent(norm.AccuracyWithin(threshold))}** | {count:N0} | {norm.Attacks.Sum(a => a.Seconds):F1} s | smallest per image |");
    }

    private static string Percent(double value) => double.IsNaN(value) ? "–" : value.ToString("0.0 %", s_inv);

    private static string Number(double value) => value switch
    {
        double.NaN => "–",
        double.PositiveInfinity => "∞",
        _ => value.ToString("0.###", s_inv),
    };

    private static string Csv(double value) => double.IsPositiveInfinity(value) ? "inf" : value.ToString("R", s_inv);
}
