using FoolingCluster.Models.Abs;
using FoolingCluster.Models.Checkpoints;
using FoolingCluster.Tests.Shared;
using Xunit;

namespace FoolingCluster.Cli.Tests;

/// <summary>
/// ABS wherever a model is taken: packed into one file, searched against (with the run folder
/// keeping it packed, so the run resumes), and evaluated as binary ABS from the packed file.
/// </summary>
/// <remarks>
/// With the run tests, not beside them: <c>--threads</c> sets the process-wide kernel thread
/// count, and a network trained by another test meanwhile on another count gets other weights.
/// </remarks>
[Collection(RunTestGroup.Name)]
public class AbsTargetTests
{
    [Fact]
    public void A_search_takes_abs_as_its_target_and_resumes_from_the_packed_copy()
    {
        using var scratch = new TempDirectory();
        string folder = QuickAbs(scratch);
        string config = RunTestSupport.WriteConfig(scratch, "abs-cppn.json", "cppn", folder, generations: 1, seed: 3, initialPopulation: 20, batchSize: 20);
        string run = RunTestSupport.RunOnOneThread(config, scratch.File("runs"));

        LoadedModel copy = ModelCheckpoint.Load(Path.Combine(run, "model.safetensors"));
        Assert.IsType<AbsModel>(copy.Model);
        Assert.Equal(2, ((AbsModel)copy.Model).Settings.Steps);
        Assert.Contains("(abs)", File.ReadAllText(Path.Combine(run, "log.txt")));

        RunTestSupport.ResumeOnOneThread(run, 2);
        Assert.Equal([0, 1, 2], RunTestSupport.History(run, 2).Select(r => r.Generation));
    }

    [Fact]
    public void Pack_writes_one_file_that_eval_robustness_attacks_as_binary_abs()
    {
        using var scratch = new TempDirectory();
        string folder = QuickAbs(scratch);
        string packed = scratch.File("abs.safetensors");
        (int exit, string output, string err) = CliHarness.Run("abs", "pack", "--model", folder, "--out", packed);
        Assert.True(exit == 0, err);
        Assert.Contains("ABS", output);

        (exit, output, err) = RunTestSupport.Fooling(
            "eval-robustness", "--model", packed, "--binarize", "--norms", "l2", "--attacks", "latent-descent", "--n", "3",
            "--data", CliHarness.Mnist, "--runs", scratch.File("runs"), "--threads", "1");
        Assert.True(exit == 0, err);
        Assert.Contains("-robustness-abs-binary", RunTestSupport.SingleRunFolder(scratch.File("runs")));
        Assert.Contains("antithetic", output);

        (exit, _, err) = CliHarness.Run("abs", "pack", "--model", folder, "--out", scratch.File("abs.bin"));
        Assert.Equal(2, exit);
        Assert.Contains("must end in .safetensors", err);
        (exit, _, err) = CliHarness.Run("abs", "pack", "--model", scratch.File("nothing"), "--out", packed);
        Assert.Equal(2, exit);
        Assert.Contains("not an ABS model", err);
    }

    /// <summary>Ten untrained VAEs with cheap inference settings: the shape of ABS at a test's cost.</summary>
    private static string QuickAbs(TempDirectory scratch)
    {
        string folder = scratch.File("abs");
        for (int c = 0; c < AbsModel.Classes; c++)
        {
            AbsCheckpoint.SaveVae(folder, c, new ClassVae(seed: c), epochs: 1);
        }

        AbsCheckpoint.SaveSidecars(folder, new AbsTrainingConfig { Epochs = 1 }, new AbsSettings { Samples = 100, Steps = 2 });
        return folder;
    }
}
