using System.Globalization;
using System.Text;
using FoolingCluster.Attacks.Transfer;
using FoolingCluster.Cli.Commands;
using FoolingCluster.Models.Checkpoints;
using FoolingCluster.Models.Data;
using FoolingCluster.Tensors.Serialization;

namespace FoolingCluster.Cli.Output;

/// <summary>
/// The folder <c>fooling transfer-attack</c> leaves: transfer-matrix.md and transfer-matrix.csv,
/// the adversarials crafted on each model as adversarial-images-&lt;model&gt;.idx3 (float32
/// <c>[N,H,W]</c>, or <c>[N,C,H,W]</c> for colour), original-images.idx3 and labels.idx1, so every
/// entry of the matrix can be recomputed from the folder and the models.
/// </summary>
internal static class TransferMatrixFolder
{
    public const string Markdown = "transfer-matrix.md";
    public const string Csv = "transfer-matrix.csv";
    public const string Originals = "original-images.idx3";
    public const string Labels = "labels.idx1";

    /// <summary>File name of the adversarials crafted on the model named <paramref name="name"/>.</summary>
    public static string Adversarials(string name) => $"adversarial-images-{name}.idx3";

    public static void Write(string folder, TransferAttackRun run, TransferMatrix matrix)
    {
        Directory.CreateDirectory(folder);
        ImageDataset data = run.Data;
        int[] dims = data.Channels == 1 ? [data.Count, data.Height, data.Width] : [data.Count, data.Channels, data.Height, data.Width];
        for (int s = 0; s < matrix.Models; s++)
        {
            IdxWriter.Write(Path.Combine(folder, Adversarials(matrix.Names[s])), matrix.Adversarials[s], dims);
        }

        IdxWriter.Write(Path.Combine(folder, Originals), data.Images, dims);
        IdxWriter.Write(Path.Combine(folder, Labels), data.Labels, data.Count);
        AtomicFile.WriteAllText(Path.Combine(folder, Csv), TransferMatrixText.Csv(matrix));
        AtomicFile.WriteAllText(Path.Combine(folder, Markdown), Report(run, matrix));
    }

    internal static string Report(TransferAttackRun run, TransferMatrix matrix)
    {
        CultureInfo inv = CultureInfo.InvariantCulture;
        string norm = run.Attack.Distance.Name;
        var md = new StringBuilder();
        md.AppendLine(inv, $"# Transfer of {run.Attack.Name} {norm} adversarials, ε = {run.Epsilon:G6}, across {matrix.Models} models");
        md.AppendLine();
        md.AppendLine(inv, $"- command: `{run.CommandLine}`");
        md.AppendLine(inv, $"- attack: {run.Attack.Describe()}, untargeted; ε = {run.Epsilon:G6} ({norm}), step size {run.Attack.StepSize(run.Epsilon):G6}");
        md.AppendLine(inv, $"- images: the first {matrix.Count:N0} MNIST test images, attacked {run.SliceSize:N0} at a time");
        md.AppendLine(inv, $"- time: {matrix.Seconds.Sum():F1} s in all ({string.Join(", ", Enumerable.Range(0, matrix.Models).Select(s => string.Create(inv, $"{matrix.Names[s]} {matrix.Seconds[s]:F1} s")))}), crafting on each model and classifying with all");
        md.AppendLine(inv, $"- measured: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores");
        md.AppendLine();
        md.AppendLine("| model | weights | architecture | parameters | training | test accuracy in its sidecar |");
        md.AppendLine("| --- | --- | --- | ---: | --- | ---: |");
        for (int m = 0; m < matrix.Models; m++)
        {
            LoadedModel model = run.Models[m];
            string training = model.Sidecar.Training is { } t ? string.Create(inv, $"{t.Epochs} epochs, seed {t.Seed}") : "not recorded";
            string accuracy = model.Sidecar.TestAccuracy is double a ? string.Create(inv, $"{100 * a:0.00} %") : "–";
            md.AppendLine(inv, $"| {matrix.Names[m]} | {model.Path} | {model.Sidecar.Architecture} | {model.Model.ParameterCount():N0} | {training} | {accuracy} |");
        }

        md.AppendLine();
        md.AppendLine("Accuracy in percent of the column's model on the adversarials crafted on the row's model");
        md.AppendLine("(white-box in bold on the diagonal, transfer elsewhere; the first row is the clean images).");
        md.AppendLine("Szegedy et al. (2014, Table 2) give the error rate on each distorted set instead: 100 minus");
        md.AppendLine("these figures. Images a model gets wrong unattacked count as wrong in its column too.");
        md.AppendLine(inv, $"RMS distortion is the mean over the images of √(Σ(x′ − x)² / {run.Data.ImageSize}), the measure of their tables.");
        md.AppendLine();
        md.Append(TransferMatrixText.Markdown(matrix));
        md.AppendLine();
        md.AppendLine(inv, $"`{Csv}` holds the same matrix as fractions; `{Adversarials("<model>")}` the adversarials crafted on each model, with `{Originals}` and `{Labels}` beside them.");
        return md.ToString();
    }
}
