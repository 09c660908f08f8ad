using System.Globalization;
using System.Text;
using FoolingCluster.Attacks.Reporting;
using FoolingCluster.Cli.Commands;
using FoolingCluster.Models.Data;
using FoolingCluster.Models.Imaging;
using FoolingCluster.Tensors.Serialization;

namespace FoolingCluster.Cli.Output;

/// <summary>
/// The folder <c>fooling attack</c> leaves: adversarial-images.idx3 and original-images.idx3
/// (float32 <c>[N,H,W]</c>, or <c>[N,C,H,W]</c> for colour), labels.idx1 (ubyte, true labels),
/// predictions.csv (per image: true label and the classes the model gave the original and the
/// adversarial), grid.png and summary.md.
/// </summary>
internal static class AttackFolder
{
    public const string Adversarials = "adversarial-images.idx3";
    public const string Originals = "original-images.idx3";
    public const string Labels = "labels.idx1";
    public const string Predictions = "predictions.csv";
    public const string Grid = "grid.png";
    public const string Summary = "summary.md";

    /// <summary>Images shown in the grid, one column each.</summary>
    public const int GridColumns = 10;

    public static void Write(string folder, AttackRunResult result)
    {
        Directory.CreateDirectory(folder);
        ImageDataset data = result.Run.Data;
        int[] dims = data.Channels == 1 ? [data.Count, data.Height, data.Width] : [data.Count, data.Channels, data.Height, data.Width];
        IdxWriter.Write(Path.Combine(folder, Adversarials), result.Adversarials, dims);
        IdxWriter.Write(Path.Combine(folder, Originals), data.Images, dims);
        IdxWriter.Write(Path.Combine(folder, Labels), data.Labels, data.Count);
        AtomicFile.WriteAllText(Path.Combine(folder, Predictions), PredictionsCsv(data.Labels, result.Statistics));
        PngWriter.Write(Path.Combine(folder, Grid), ImageGrid.Compose(GridTiles(result), GridColumns, scale: 3, padding: 6, textScale: 1));
        AtomicFile.WriteAllText(Path.Combine(folder, Summary), SummaryMarkdown(result));
    }

    /// <summary>
    /// Three rows over the first images: originals, perturbations as <c>0.5 + δ/(2s)</c> (grey is
    /// no change; s = ε under L∞ and the image's largest |δ| under L2, so each is visible), adversarials.
    /// </summary>
    internal static List<GridTile> GridTiles(AttackRunResult result)
    {
        ImageDataset data = result.Run.Data;
        int shown = Math.Min(GridColumns, data.Count);
        int size = data.ImageSize;
        bool linf = result.Run.Attack.Distance.Name == "L∞";
        string norm = linf ? "Linf" : result.Run.Attack.Distance.Name;
        CultureInfo inv = CultureInfo.InvariantCulture;
        var originals = new List<GridTile>();
        var perturbations = new List<GridTile>();
        var adversarials = new List<GridTile>();
        for (int i = 0; i < shown; i++)
        {
            ReadOnlySpan<float> x0 = data.Image(i);
            ReadOnlySpan<float> x = result.Adversarials.AsSpan(i * size, size);
            float[] delta = new float[size];
            float largest = 0;
            for (int j = 0; j < size; j++)
            {
                delta[j] = x[j] - x0[j];
                largest = Math.Max(largest, Math.Abs(delta[j]));
            }

            float scale = linf && result.Run.Attack.Epsilon is float epsilon ? epsilon : largest;
            float[] shownDelta = delta.Select(d => scale > 0 ? Math.Clamp(0.5f + (d / (2 * scale)), 0f, 1f) : 0.5f).ToArray();
            double length = result.Run.Attack.Distance.Norm(delta);
            int label = data.Labels[i];
            originals.Add(new GridTile(x0.ToArray(), data.Channels, data.Height, data.Width, $"true {label}", $"pred {result.Statistics.CleanPredictions[i]}"));
            perturbations.Add(new GridTile(shownDelta, data.Channels, data.Height, data.Width, "delta", string.Create(inv, $"{norm} {length:0.###}")));
            adversarials.Add(new GridTile(x.ToArray(), data.Channels, data.Height, data.Width, $"true {label}", $"pred {result.Statistics.AdversarialPredictions[i]}"));
        }

        return [.. originals, .. perturbations, .. adversarials];
    }

    /// <summary>
    /// One row per image: <c>index,label,clean_prediction,adversarial_prediction</c>, so the
    /// classes reported for each image can be checked outside the project (e.g. in PyTorch).
    /// </summary>
    internal static string PredictionsCsv(IReadOnlyList<byte> labels, AttackStatistics statistics)
    {
        var csv = new StringBuilder("index,label,clean_prediction,adversarial_prediction\n");
        CultureInfo inv = CultureInfo.InvariantCulture;
        for (int i = 0; i < statistics.Count; i++)
        {
            csv.Append(inv, $"{i},{labels[i]},{statistics.CleanPredictions[i]},{statistics.AdversarialPredictions[i]}\n");
        }

        return csv.ToString();
    }

    internal static string SummaryMarkdown(AttackRunResult result)
    {
        AttackRun run = result.Run;
        AttackStatistics s = result.Statistics;
        CultureInfo inv = CultureInfo.InvariantCulture;
        var md = new StringBuilder();
        md.AppendLine(inv, $"# {run.Attack.Name} {run.Attack.Distance.Name} against {Path.GetFileName(run.Model.Path)}");
        md.AppendLine();
        md.AppendLine(inv, $"- command: `{run.CommandLine}`");
        md.AppendLine(inv, $"- model: {run.Model.Path} ({run.Model.Sidecar.Architecture}, {run.Model.Model.ParameterCount():N0} parameters)");
        md.AppendLine(inv, $"- attack: {run.Attack.Description}");
        if (run.Attack.Epsilon is float epsilon)
        {
            string steps = run.Attack.StepsLine() is string line ? $"; {line}" : "";
            md.AppendLine(inv, $"- ε: {epsilon:G6} ({run.Attack.Distance.Name}){steps}");
        }
        else
        {
            md.AppendLine(inv, $"- ε: none; the attack looks for the smallest {run.Attack.Distance.Name} perturbation that succeeds, and keeps the image where it finds none");
        }

        if (run.Target is int t)
        {
            int already = run.Data.Labels.Count(l => l == t);
            md.AppendLine(inv, $"- target: class {t} (success = classified as {t}; {already} of the {s.Count} images are labelled {t} already)");
        }
        else
        {
            md.AppendLine("- target: none (success = classified as anything but the true label, as in Foolbox, so clean errors count)");
        }

        md.AppendLine(inv, $"- images: the first {s.Count:N0} MNIST test images");
        if (result.Stopped)
        {
            md.AppendLine(inv, $"- **partial: stopped after {s.Count:N0} of {result.Requested:N0} images** by a signal; every figure here covers those {s.Count:N0} only, and running the command again starts over");
        }

        md.AppendLine(inv, $"- attack time: {result.Seconds:F2} s ({s.Count / Math.Max(result.Seconds, 1e-9):N1} images/s)");
        md.AppendLine(inv, $"- measured: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        md.AppendLine();
        md.AppendLine("| figure | value |");
        md.AppendLine("| --- | ---: |");
        md.AppendLine(inv, $"| clean accuracy | {s.CleanAccuracy:P2} ({s.CleanCorrect}/{s.Count}) |");
        md.AppendLine(inv, $"| accuracy on adversarials | {s.AdversarialAccuracy:P2} ({s.AdversarialCorrect}/{s.Count}) |");
        md.AppendLine(inv, $"| success rate | {s.SuccessRate:P2} ({s.Successes}/{s.Count}) |");
        md.AppendLine();
        md.AppendLine(inv, $"Distances of the {s.Successes:N0} successful adversarials from their originals (L0 counts changed pixels):");
        md.AppendLine();
        md.AppendLine("| norm | median | mean |");
        md.AppendLine("| --- | ---: | ---: |");
        foreach (DistanceSummary d in s.Distances)
        {
            md.AppendLine(inv, $"| {d.Norm} | {Number(d.Median)} | {Number(d.Mean)} |");
        }

        md.AppendLine();
        md.AppendLine(inv, $"`{Grid}`: the first {Math.Min(GridColumns, s.Count)} images; rows are the originals (true and predicted class), the perturbations shown as 0.5 + δ/(2s) so that grey is no change (s = {(run.Attack.Distance.Name == "L∞" && run.Attack.Epsilon is not null ? "ε" : "the image's largest |δ|")}), and the adversarials (true class and the class they are taken for).");
        return md.ToString();
    }

    private static string Number(double value) => double.IsNaN(value) ? "–" : value.ToString("0.####", CultureInfo.InvariantCulture);
}
