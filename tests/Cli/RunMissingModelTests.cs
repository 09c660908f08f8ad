using FoolingCluster.Tests.Shared;
using Xunit;

namespace FoolingCluster.Cli.Tests;

/// <summary>
/// <c>fooling run</c> trains a missing target only when it is the configuration's own; a
/// <c>--model</c> that does not exist is a mistake to report, not a file to train.
/// </summary>
public class RunMissingModelTests
{
    /// <summary>How long a run may take before the test gives up on it.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task A_missing_model_given_with_model_is_refused_naming_the_file_and_is_not_trained()
    {
        using var scratch = new TempDirectory();
        string config = Config(scratch, scratch.File("models/own.safetensors"));
        string typo = scratch.File("models/lenet-typo.safetensors");
        string runs = scratch.File("runs");
        (int exit, string output, string err) = await Task.Run(() => CliHarness.Run("run", config, "--model", typo, "--runs", runs)).WaitAsync(Patience);
        Assert.True(exit == 2, $"exit {exit}, expected 2; stdout: {output}; stderr: {err}");
        Assert.StartsWith($"error: model file {typo} does not exist", err, StringComparison.Ordinal);
        Assert.Contains($"fooling train --out {typo}", err);
        Assert.False(File.Exists(typo), "run trained a model at a --model path that did not exist");
        Assert.False(Directory.Exists(runs) && Directory.EnumerateFileSystemEntries(runs).Any(), "a run or training folder was made");
    }

    [Fact]
    public async Task The_configurations_own_missing_target_is_still_trained_first()
    {
        using var scratch = new TempDirectory();
        string own = scratch.File("models/own.safetensors");
        string config = Config(scratch, own);
        (int exit, _, string err) = await Task.Run(() => CliHarness.Run("run", config, "--model", own, "--runs", scratch.File("runs"))).WaitAsync(Patience);
        Assert.True(exit == 0, err);
        Assert.True(File.Exists(own), "the configuration's own target was not trained");
    }

    /// <summary>A one-generation search whose target <paramref name="model"/> is trained, if missing, on 640 images for one epoch.</summary>
    private static string Config(TempDirectory scratch, string model)
    {
        string train = scratch.File("train.json");
        File.WriteAllText(train, $$"""{ "model": "lenet", "epochs": 1, "trainSubset": 640, "data": "{{CliHarness.Mnist}}", "out": "{{model}}" }""");
        string config = scratch.File("search.json");
        File.WriteAllText(config, $$"""
            { "encoding": "cppn", "model": "{{model}}", "trainConfig": "{{train}}", "generations": 1, "initialPopulation": 10, "batchSize": 10 }
            """);
        return config;
    }
}
