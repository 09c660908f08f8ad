using FoolingCluster.Evolution.Encodings;
using FoolingCluster.Evolution.Genomes.Cppn;
using FoolingCluster.Models.Configuration;
using FoolingCluster.Protocol.Messages;
using FoolingCluster.Tensors;
using FoolingCluster.Tests.Shared;
using FoolingCluster.Worker.Jobs;
using FoolingCluster.Worker.Models;
using Xunit;

namespace FoolingCluster.Cli.Tests;

/// <summary>
/// Every command that takes a model runs it once on a test batch and refuses, naming the file,
/// one that cannot classify: a sidecar whose input shape does not fit the weights, or weights
/// with NaN in them.
/// </summary>
public class ModelCheckTests
{
    /// <summary>How long a refused command may take before the test gives up on it (a regression waits forever).</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    public static TheoryData<string, string> CommandsAndDefects()
    {
        var data = new TheoryData<string, string>();
        foreach (string command in new[] { "eval-model", "attack", "eval-robustness", "transfer-attack" })
        {
            data.Add(command, "nan");
            data.Add(command, "shape");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CommandsAndDefects))]
    public void A_command_refuses_a_model_that_cannot_run_naming_the_file_and_the_problem(string command, string defect)
    {
        using var scratch = new TempDirectory();
        string model = Broken(scratch, defect);
        string mnist = CliHarness.Mnist;
        string[] args = command switch
        {
            "eval-model" => ["eval-model", "--model", model, "--n", "10", "--data", mnist],
            "attack" => ["attack", "--model", model, "--attack", "fgsm", "--norm", "linf", "--eps", "0.1", "--n", "10", "--data", mnist, "--out", scratch.File("attack")],
            "eval-robustness" => ["eval-robustness", "--model", model, "--norms", "linf", "--attacks", "fgsm", "--n", "5", "--data", mnist, "--runs", scratch.File("runs")],
            "transfer-attack" => ["transfer-attack", "--models", $"{BrokenModels.Untrained(scratch, "good.safetensors")},{model}", "--attack", "fgsm", "--eps", "0.1", "--n", "10", "--data", mnist, "--out", scratch.File("transfer")],
            _ => throw new ArgumentOutOfRangeException(nameof(command), command, null),
        };
        AssertRefused(CliHarness.Run(args), model, defect);
    }

    [Theory]
    [InlineData("nan")]
    [InlineData("shape")]
    public async Task Run_refuses_a_model_that_cannot_run_before_making_a_run_folder(string defect)
    {
        using var scratch = new TempDirectory();
        string model = Broken(scratch, defect);
        string config = RunTestSupport.WriteConfig(scratch, "search.json", "cppn", model, generations: 2, seed: 1, initialPopulation: 20, batchSize: 20);
        string runs = scratch.File("runs");
        AssertRefused(await Task.Run(() => CliHarness.Run("run", config, "--runs", runs)).WaitAsync(Patience), model, defect);
        Assert.False(Directory.Exists(runs) && Directory.EnumerateFileSystemEntries(runs).Any(), "a run folder was made for a model that cannot run");
    }

    [Fact]
    public async Task Transfer_refuses_a_model_with_NaN_weights()
    {
        using var scratch = new TempDirectory();
        string good = BrokenModels.Untrained(scratch, "good.safetensors");
        string config = RunTestSupport.WriteConfig(scratch, "search.json", "cppn", good, generations: 1, seed: 1, initialPopulation: 10, batchSize: 10);
        string runs = scratch.File("runs");
        (int exit, _, string err) = await Task.Run(() => CliHarness.Run("run", config, "--runs", runs)).WaitAsync(Patience);
        Assert.True(exit == 0, err);
        string run = RunTestSupport.SingleRunFolder(runs);

        string model = BrokenModels.WithNaN(scratch, "nan.safetensors");
        AssertRefused(CliHarness.Run("transfer", run, "--to", model), model, "nan");
    }

    [Fact]
    public void An_abs_model_with_NaN_in_a_decoder_is_refused()
    {
        using var scratch = new TempDirectory();
        string model = BrokenModels.AbsWithNaN(scratch, "abs.safetensors");
        AssertRefused(CliHarness.Run("eval-model", "--model", model, "--n", "2", "--data", CliHarness.Mnist), model, "nan");
    }

    [Fact]
    public async Task A_worker_that_fetched_a_model_with_NaN_weights_refuses_the_job_saying_why()
    {
        using var scratch = new TempDirectory();
        string model = BrokenModels.WithNaN(scratch, "nan.safetensors");
        var source = new LocalModelSource(model);
        var executor = new JobExecutor("worker-1", source);
        var job = new JobMessage
        {
            Run = new RunSpecMessage
            {
                RunId = "run",
                Encoding = CppnEncoding.EncodingName,
                Channels = 1,
                Height = 28,
                Width = 28,
                Classes = 10,
                SettingsJson = StrictJson.Serialize(new CppnSettings()),
                ModelSha256 = source.Sha256,
            },
            Seed = 1,
            Children = 4,
            RecordThreshold = 0.9999f,
        };
        job.EliteFitness.Add(new float[10]);

        InvalidInputException refused = await Assert.ThrowsAnyAsync<InvalidInputException>(() => executor.ExecuteAsync(job, CancellationToken.None).AsTask());
        Assert.Contains("its outputs are not finite (NaN)", refused.Message);
    }

    private static string Broken(TempDirectory scratch, string defect) => defect switch
    {
        "nan" => BrokenModels.WithNaN(scratch, "nan.safetensors"),
        "shape" => BrokenModels.WithWrongInputShape(scratch, "wide.safetensors"),
        _ => throw new ArgumentOutOfRangeException(nameof(defect), defect, null),
    };

    private static void AssertRefused((int Exit, string Out, string Err) result, string model, string defect)
    {
        (int exit, string output, string err) = result;
        Assert.True(exit == 2, $"exit {exit}, expected 2; stdout: {output}; stderr: {err}");
        Assert.StartsWith($"error: {model}: ", err, StringComparison.Ordinal);
        Assert.Contains(defect == "nan" ? "its outputs are not finite (NaN) on a test batch" : "the sidecar's input_shape [1,32,32] does not fit the weights", err);
        Assert.DoesNotContain("   at ", err);
    }
}
