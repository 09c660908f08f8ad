using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using FoolingCluster.Evolution.Genomes;
using FoolingCluster.Models.Data;
using FoolingCluster.Models.Imaging;
using FoolingCluster.Runs;
using FoolingCluster.Runs.Reporting;
using FoolingCluster.Tensors;
using FoolingCluster.Tensors.Serialization;

namespace FoolingCluster.Runs.Export;

/// <summary>What an export wrote.</summary>
/// <param name="Folder">Output folder.</param>
/// <param name="Images">Distinct images written.</param>
/// <param name="FromElites">Of those, elites of the archive.</param>
/// <param name="PerClass">Images per fooled class, <c>[K]</c>.</param>
/// <param name="Skipped">One line per thing left out because it was damaged (a torn or damaged tail of <c>found.bin</c>, records of impossible classes); empty when all was intact.</param>
public sealed record ExportSummary(string Folder, int Images, int FromElites, int[] PerClass, IReadOnlyList<string> Skipped);

/// <summary>
/// Writes a run's fooling images as a dataset for retraining and outside tools, in MNIST's
/// own format: <c>images-idx3-ubyte</c> (<c>[N,H,W]</c> bytes; <c>images-idx4-ubyte</c>,
/// <c>[N,C,H,W]</c>, for colour), <c>labels-idx1-ubyte</c> (the class each image fools),
/// <c>images.csv</c> (label, confidence, generation, source, PNG name) and <c>png/</c> with
/// one 8-bit PNG per image. Images are deduplicated by their bytes. The folder is written under
/// a temporary name beside it and renamed when complete, so a failed export leaves no half-written one.
/// </summary>
public static class FoolingDatasetExport
{
    /// <summary>File name of the labels.</summary>
    public const string LabelsFile = "labels-idx1-ubyte";

    /// <summary>File name of the labels of more than 256 classes, which a byte cannot hold: big-endian int32.</summary>
    public const string WideLabelsFile = "labels-idx1-int";

    /// <summary>File name of the labels for a model of <paramref name="classes"/> classes.</summary>
    public static string LabelsFileFor(int classes) => classes <= 256 ? LabelsFile : WideLabelsFile;

    /// <summary>File name of the per-image table.</summary>
    public const string TableFile = "images.csv";

    /// <summary>File name of the images for a shape: idx3 for grey, idx4 for colour.</summary>
    public static string ImagesFile(ImageShape shape) => shape.Channels == 1 ? "images-idx3-ubyte" : "images-idx4-ubyte";

    /// <summary>Exports the elites of <paramref name="run"/> and, if <paramref name="allAbove"/> is set, every recorded image at or above it.</summary>
    /// <exception cref="InvalidInputException">The threshold is below what the run recorded, or the output folder may not be written (see <see cref="ExportFolder.Check"/>).</exception>
    public static ExportSummary Export(SavedRun run, string outFolder, float? allAbove, bool overwrite = false)
    {
        ArgumentNullException.ThrowIfNull(run);
        ExportFolder.Check(outFolder, run.Folder, overwrite);
        ImageShape shape = run.Shape;
        var images = new List<(byte[] Pixels, int Label, float Confidence, int Generation, string Source)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var skipped = new List<string>();
        foreach (EliteImage elite in run.Elites)
        {
            byte[] pixels = elite.Image.Select(PixelQuantizer.ToByte).ToArray();
            if (seen.Add(Key(pixels)))
            {
                images.Add((pixels, elite.Cell, elite.Confidence, elite.Generation, "elite"));
            }
        }

        int fromElites = images.Count;
        if (allAbove is float threshold)
        {
            if (threshold < run.Config.RecordThreshold)
            {
                throw new InvalidInputException($"this run recorded only images at or above {run.Config.RecordThreshold} (its recordThreshold); --all-above {threshold.ToString(CultureInfo.InvariantCulture)} would be incomplete");
            }

            string found = Path.Combine(run.Folder, RunFiles.Found);
            if (File.Exists(found))
            {
                IReadOnlyList<FoundImage> records = FoundImageLog.Read(found, shape, skipped.Add);
                int classes = run.Model.Sidecar.RealClasses;
                int foreign = records.Count(f => f.Label >= classes);
                if (foreign > 0)
                {
                    skipped.Add(string.Create(CultureInfo.InvariantCulture, $"{found}: {foreign:N0} of its records name a class the model does not have (it has {classes}); skipped them"));
                }

                foreach (FoundImage f in records.Where(f => f.Confidence >= threshold && f.Label < classes))
                {
                    if (seen.Add(Key(f.Pixels)))
                    {
                        images.Add((f.Pixels, f.Label, f.Confidence, f.Generation, "found"));
                    }
                }
            }
        }

        string partial = ExportFolder.Partial(outFolder);
        try
        {
            int[] perClass = Write(partial, images, shape, run.Model.Sidecar.RealClasses, new ClassLabels(run.Model.Sidecar.ClassNames));
            ExportFolder.Replace(outFolder, partial, run.Folder);
            return new ExportSummary(Path.GetFullPath(outFolder), images.Count, fromElites, perClass, skipped);
        }
        finally
        {
            if (Directory.Exists(partial))
            {
                Directory.Delete(partial, recursive: true);
            }
        }
    }

    /// <summary>Writes the dataset into the new folder <paramref name="folder"/>.</summary>
    /// <returns>Images per class, <c>[K]</c>.</returns>
    /// <remarks>When the model names its classes, images.csv gains a last column, <c>name</c>, so readers of the first six columns are unaffected.</remarks>
    private static int[] Write(string folder, List<(byte[] Pixels, int Label, float Confidence, int Generation, string Source)> images, ImageShape shape, int classes, ClassLabels names)
    {
        Directory.CreateDirectory(Path.Combine(folder, "png"));
        var allPixels = new byte[images.Count * shape.Size];
        int[] labels = new int[images.Count];
        bool named = names.Names is not null;
        var table = new StringBuilder(named ? "index,label,confidence,generation,source,png,name\n" : "index,label,confidence,generation,source,png\n");
        int[] perClass = new int[classes];
        for (int i = 0; i < images.Count; i++)
        {
            (byte[] pixels, int label, float confidence, int generation, string source) = images[i];
            pixels.CopyTo(allPixels, i * shape.Size);
            labels[i] = label;
            perClass[label]++;
            string png = $"png/{i:D6}-class{label}.png";
            WritePng(Path.Combine(folder, png), pixels, shape);
            table.Append(CultureInfo.InvariantCulture, $"{i},{label},{confidence:R},{generation},{source},{png}");
            table.Append(named ? "," + names.CsvName(label) + "\n" : "\n");
        }

        int[] dims = shape.Channels == 1 ? [images.Count, shape.Height, shape.Width] : [images.Count, shape.Channels, shape.Height, shape.Width];
        IdxWriter.Write(Path.Combine(folder, ImagesFile(shape)), allPixels, dims);
        if (classes <= 256)
        {
            IdxWriter.Write(Path.Combine(folder, LabelsFile), labels.Select(l => (byte)l).ToArray(), images.Count);
        }
        else
        {
            IdxWriter.WriteInt32(Path.Combine(folder, WideLabelsFile), labels, images.Count);
        }
        AtomicFile.WriteAllText(Path.Combine(folder, TableFile), table.ToString());
        return perClass;
    }

    /// <summary>Planar <c>[C,H,W]</c> bytes to a PNG (interleaved for colour).</summary>
    private static void WritePng(string path, byte[] planar, ImageShape shape)
    {
        if (shape.Channels == 1)
        {
            PngWriter.Write(path, planar, shape.Width, shape.Height, PngColor.Grey);
            return;
        }

        int p = shape.Pixels;
        var rgb = new byte[3 * p];
        for (int i = 0; i < p; i++)
        {
            rgb[3 * i] = planar[i];
            rgb[(3 * i) + 1] = planar[p + i];
            rgb[(3 * i) + 2] = planar[(2 * p) + i];
        }

        PngWriter.Write(path, rgb, shape.Width, shape.Height, PngColor.Rgb);
    }

    private static string Key(byte[] pixels) => Convert.ToHexString(SHA256.HashData(pixels));
}
