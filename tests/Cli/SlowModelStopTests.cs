using System.Diagnostics;
using FoolingCluster.Tests.Shared;
using Xunit;

namespace FoolingCluster.Cli.Tests;

/// <summary>
/// SIGINT and SIGTERM on commands whose single model call is long: ABS spends seconds on one
/// batch, and a gradient estimated from probes asks it thousands of times. Each command stops
/// within seconds of the signal, not at the end of the call under way, and exits 128 + the
/// signal; <c>bench</c> stops between figures without writing its report.
/// </summary>
public sealed class SlowModelStopTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(10);
    private readonly TempDirectory _scratch = new();

    private static string Abs => Path.Combine(RepositoryRoot.Find(), "reference", "abs.safetensors");

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public void Sigint_stops_eval_model_on_abs_inside_a_batch_with_the_accuracy_of_the_batches_finished()
    {
        Assert.True(OperatingSystem.IsLinux(), "this test sends signals with kill(1); it needs Linux");

        // The whole test set: ABS would take minutes over it, so the signal always comes first.
        // The first batch line comes after the prior is decoded, seconds on an idle machine.
        using FoolingProcess child = FoolingProcess.Start(null, "eval-model", "--model", Abs, "--data", CliHarness.Mnist);
        child.WaitUntil(() => child.Output.Contains("/10,000 images", StringComparison.Ordinal), Patience, "the first batch");

        var clock = Stopwatch.StartNew();
        child.Signal("INT");
        int exit = child.WaitForExit(TimeSpan.FromSeconds(30), "fooling eval-model after SIGINT");

        Assert.True(exit == 130, $"exit code {exit}, expected 130; output:\n{child.Output}");
        Assert.True(clock.Elapsed < Prompt, $"eval-model took {clock.Elapsed.TotalSeconds:F1} s to stop; output:\n{child.Output}");
        Assert.Matches(@"test accuracy \(partial: the first [\d,]+ of 10,000 images\): ", child.Output);
    }

    [Fact]
    public void Sigterm_stops_an_attack_on_abs_inside_its_estimated_gradient()
    {
        Assert.True(OperatingSystem.IsLinux(), "this test sends signals with kill(1); it needs Linux");

        // One gradient of 100 images from 100 probes each is 10,000 ABS classifications: minutes.
        string output = _scratch.File("fgsm");
        using FoolingProcess child = FoolingProcess.Start(null, "attack", "--model", Abs, "--attack", "fgsm", "--eps", "0.1", "--n", "100", "--data", CliHarness.Mnist, "--out", output);
        child.WaitUntil(() => child.Output.Contains("ABS has no exact gradients", StringComparison.Ordinal), Patience, "the attack's start");

        // Into the model's first calls: past loading, at the decoding of the prior or the first probes.
        Thread.Sleep(1000);
        var clock = Stopwatch.StartNew();
        child.Signal("TERM");
        int exit = child.WaitForExit(TimeSpan.FromSeconds(30), "fooling attack after SIGTERM");

        Assert.True(exit == 143, $"exit code {exit}, expected 143; output:\n{child.Output}");
        Assert.True(clock.Elapsed < Prompt, $"the attack took {clock.Elapsed.TotalSeconds:F1} s to stop; output:\n{child.Output}");
        Assert.Contains("stopped before the first batch of 100 images was finished; nothing was written", child.Output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output) && Directory.EnumerateFileSystemEntries(output).Any(), "a stopped attack wrote its folder");
    }

    [Fact]
    public void Sigterm_stops_bench_engine_between_figures_without_writing_its_report()
    {
        Assert.True(OperatingSystem.IsLinux(), "this test sends signals with kill(1); it needs Linux");
        string report = _scratch.File("engine.md");
        using FoolingProcess child = FoolingProcess.Start(null, "bench", "engine", "--quick", "--out", report);
        child.WaitUntil(() => child.Output.Contains("lenet forward batch=1:", StringComparison.Ordinal), Patience, "the first figure");

        var clock = Stopwatch.StartNew();
        child.Signal("TERM");
        int exit = child.WaitForExit(TimeSpan.FromSeconds(30), "fooling bench engine after SIGTERM");

        Assert.True(exit == 143, $"exit code {exit}, expected 143; output:\n{child.Output}");
        Assert.True(clock.Elapsed < Prompt, $"the benchmark took {clock.Elapsed.TotalSeconds:F1} s to stop; output:\n{child.Output}");
        Assert.Contains($"{report} was not written", child.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(report), "a stopped benchmark wrote its report");
    }
}
