using System.CommandLine;
using System.Globalization;
using FoolingCluster.Runs;
using FoolingCluster.Runs.Export;
using FoolingCluster.Tensors;

namespace FoolingCluster.Cli.Commands;

/// <summary><c>fooling export</c>: a run's fooling images as an idx dataset plus PNGs, for retraining.</summary>
internal static class ExportCommand
{
    public static Command Build()
    {
        var run = new Argument<string>("run") { Description = "run folder of `fooling run` (runs/<id>)" };
        var output = new Option<string>("--out") { Description = "folder to write, e.g. data/fooling/<name>", Required = true };
        var allAbove = new Option<float?>("--all-above") { Description = "also every distinct image seen during the run at or above this confidence (not below the run's recordThreshold)" };
        var overwrite = new Option<bool>("--overwrite") { Description = "replace an earlier export in --out (a folder written by `fooling export`; any other non-empty folder, and the run itself, are refused)" };
        var command = new Command("export", "Write a run's elites (and optionally every recorded image above a confidence) as idx files, a CSV and PNGs, deduplicated.")
        {
            run, output, allAbove, overwrite,
        };
        command.SetAction(parse =>
        {
            float? threshold = parse.GetValue(allAbove);
            if (threshold is float t && !(t > 0 && t <= 1))
            {
                throw new InvalidInputException($"--all-above must be in (0,1] (got {t.ToString(CultureInfo.InvariantCulture)})");
            }

            SavedRun saved = SavedRun.Load(parse.GetValue(run)!);
            ExportSummary summary = FoolingDatasetExport.Export(saved, parse.GetValue(output)!, threshold, parse.GetValue(overwrite));
            TextWriter console = parse.InvocationConfiguration.Output;
            foreach (string line in summary.Skipped)
            {
                parse.InvocationConfiguration.Error.WriteLine($"warning: {line}");
            }

            console.WriteLine(WroteLine(summary, threshold));
            console.WriteLine($"  {FoolingDatasetExport.ImagesFile(saved.Shape)}, {FoolingDatasetExport.LabelsFileFor(summary.PerClass.Length)}, {FoolingDatasetExport.TableFile}, png/");
            console.WriteLine("  images per fooled class: " + string.Join("  ", summary.PerClass.Select((c, k) => $"{k}:{c}")));
            return FoolingApp.Success;
        });
        return command;
    }

    /// <summary>What was written: the elites alone, or the elites and the recorded images above the threshold.</summary>
    internal static string WroteLine(ExportSummary summary, float? threshold) => threshold is float t
        ? string.Create(CultureInfo.InvariantCulture, $"wrote {summary.Images} images ({summary.FromElites} elites and {summary.Images - summary.FromElites} more recorded at or above {t}) to {summary.Folder}")
        : $"wrote {summary.Images} images (the run's elites, without duplicates) to {summary.Folder}";
}
