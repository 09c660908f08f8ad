using System.Globalization;
using FoolingCluster.Attacks.Reporting;
using FoolingCluster.Attacks.Robustness;
using FoolingCluster.Bench;
using FoolingCluster.Cli.Output;
using FoolingCluster.Models.Data;

namespace FoolingCluster.Cli.Commands;

/// <summary>
/// What <c>eval-robustness</c> leaves when a stop came before every image was evaluated: the
/// report, per-image table and pictures of the images finished, saying plainly that they are
/// partial; no robustness-summary.json, so <c>robustness-table</c> never takes them for a whole
/// evaluation.
/// </summary>
internal static class PartialReport
{
    /// <summary>Writes the partial files, says where they are and how to get the rest, and returns the stop's exit code.</summary>
    public static int Write(RunFolder folder, RobustnessResult finished, ImageDataset requested, string name, string commandLine, string gradients, double seconds, TextWriter console, IReadOnlyList<string>? classNames = null)
    {
        CultureInfo inv = CultureInfo.InvariantCulture;
        string images = string.Create(inv, $"the first {finished.Count:N0} MNIST test images; **partial: stopped after {finished.Count:N0} of {requested.Count:N0} images** by a signal, so every figure covers those {finished.Count:N0} only");
        var info = new RobustnessReportInfo(name, commandLine, MachineInfo.Describe(), images, seconds, gradients);
        EvalRobustnessCommand.Write(folder, finished, info, requested.Take(finished.Count), classNames);
        console.WriteLine(string.Create(inv, $"stopped after {finished.Count:N0} of {requested.Count:N0} images; wrote robustness.md, .csv, .svg and .png for those {finished.Count:N0} to {folder.Path} (marked partial; no {RobustnessSummary.File})"));
        console.WriteLine(string.Create(inv, $"an evaluation cannot be continued: running the command again starts over; --n sets how many images it evaluates"));
        return FoolingApp.Interrupted;
    }
}
