using System.Globalization;
using System.Text.RegularExpressions;
using FoolingCluster.Tests.Shared;
using Xunit;

namespace FoolingCluster.Cli.Tests;

/// <summary>A LeNet trained once for the stop tests.</summary>
public sealed class StopTestModel : IDisposable
{
    private readonly TempDirectory _scratch = new();

    public StopTestModel() => Path = QuickModel.Train(_scratch).Path;

    /// <summary>The weights file, its sidecar beside it.</summary>
    public string Path { get; }

    public void Dispose() => _scratch.Dispose();
}

/// <summary>
/// SIGTERM on <c>attack</c> and <c>eval-robustness</c>: each stops at its next step, keeps what
/// it had finished, says it is partial, and exits 143.
/// </summary>
/// <remarks>
/// How promptly each stops is judged by the work it finished after the signal, at most the
/// batch or slice under way and the one whose progress line was still in the pipe, not by
/// the clock: on a loaded two-core machine the few hundred milliseconds of writing the partial
/// results can stretch past ten seconds. The clock only bounds a hang.
/// </remarks>
public sealed class StopKeepsFinishedWorkTests(StopTestModel lenet) : IClassFixture<StopTestModel>, IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly TempDirectory _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public void Sigterm_stops_a_decision_attack_between_batches_and_writes_the_finished_images_marked_partial()
    {
        Assert.True(OperatingSystem.IsLinux(), "this test sends signals with kill(1); it needs Linux");
        string output = _scratch.File("boundary");
        using FoolingProcess child = FoolingProcess.Start(null, "attack", "--model", lenet.Path, "--attack", "boundary", "--steps", "400", "--n", "300", "--batch", "10", "--data", CliHarness.Mnist, "--out", output);
        child.WaitUntil(() => child.Output.Contains("attacked 10/300 images", StringComparison.Ordinal), Patience, "the first batch");

        int seen = LastProgress(child.Output, "attacked");
        child.Signal("TERM");
        int exit = child.WaitForExit(TimeSpan.FromSeconds(60), "fooling attack after SIGTERM");

        Assert.True(exit == 143, $"exit code {exit}, expected 143; output:\n{child.Output}");
        Assert.Matches(@"stopped after \d+ of 300 images; wrote those to ", child.Output);
        string summary = File.ReadAllText(Path.Combine(output, "summary.md"));
        Assert.Matches(@"\*\*partial: stopped after \d+ of 300 images\*\*", summary);
        foreach (string file in new[] { "adversarial-images.idx3", "original-images.idx3", "labels.idx1", "grid.png" })
        {
            Assert.True(File.Exists(Path.Combine(output, file)), $"{file} was not written when the attack stopped");
        }

        // labels.idx1: an 8-byte header, then one byte per image kept, a whole number of batches.
        long kept = new FileInfo(Path.Combine(output, "labels.idx1")).Length - 8;
        Assert.True(kept is >= 10 and < 300 && kept % 10 == 0, $"{kept} images kept");
        Assert.True(kept <= seen + 2 * 10, $"{kept} images kept, though {seen} were reported finished when the signal was sent: the attack went on after it");
    }

    [Fact]
    public void Sigterm_stops_eval_robustness_between_slices_and_writes_the_finished_images_marked_partial()
    {
        Assert.True(OperatingSystem.IsLinux(), "this test sends signals with kill(1); it needs Linux");
        string runs = _scratch.File("runs");
        using FoolingProcess child = FoolingProcess.Start(null, "eval-robustness", "--model", lenet.Path, "--norms", "l0", "--attacks", "pointwise", "--n", "100", "--slice", "2", "--data", CliHarness.Mnist, "--runs", runs);
        child.WaitUntil(() => child.Output.Contains("evaluated 2/100 images", StringComparison.Ordinal), Patience, "the first slice");

        int seen = LastProgress(child.Output, "evaluated");
        child.Signal("TERM");
        int exit = child.WaitForExit(TimeSpan.FromSeconds(60), "fooling eval-robustness after SIGTERM");

        Assert.True(exit == 143, $"exit code {exit}, expected 143; output:\n{child.Output}");
        Assert.Contains("running the command again starts over", child.Output, StringComparison.Ordinal);
        string folder = Assert.Single(Directory.GetDirectories(runs));
        string md = File.ReadAllText(Path.Combine(folder, "robustness.md"));
        Assert.Matches(@"\*\*partial: stopped after \d+ of 100 images\*\*", md);
        string[] rows = File.ReadAllLines(Path.Combine(folder, "robustness.csv"));
        Assert.True(rows.Length - 1 is >= 2 and < 100, $"{rows.Length - 1} images in robustness.csv");
        Assert.True(rows.Length - 1 <= seen + 2 * 2, $"{rows.Length - 1} images in robustness.csv, though {seen} were reported finished when the signal was sent: the evaluation went on after it");
        Assert.False(File.Exists(Path.Combine(folder, "robustness.json")), "a partial evaluation wrote the summary robustness-table reads");
    }

    /// <summary>The count of the last "<paramref name="verb"/> N/M images" line printed so far.</summary>
    private static int LastProgress(string output, string verb) =>
        Regex.Matches(output, $@"{verb} (\d+)/\d+ images").Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).Last();
}
