using FoolingCluster.Models.Architectures;
using FoolingCluster.Models.Checkpoints;
using FoolingCluster.Models.Training;
using FoolingCluster.Runs;
using FoolingCluster.Tests.Shared;
using Xunit;

namespace FoolingCluster.Cli.Tests;

/// <summary>
/// Mistakes found by trying bad input on every command: each is refused with exit code 2 in the
/// user's words (no C# type names, no parser internals) and without touching what exists.
/// </summary>
[Collection(RunTestGroup.Name)]
public sealed class SweepBadInputTests(TargetModelFixture target)
{
    [Theory]
    [InlineData("--n", "abc", "--n takes a whole number (got 'abc')")]
    [InlineData("--n", "2147483648", "--n takes a whole number from -2,147,483,648 to 2,147,483,647 (got '2147483648')")]
    [InlineData("--seed", "1.5", "--seed takes a whole number (got '1.5')")]
    [InlineData("--eps", "abc", "--eps takes a number (got 'abc')")]
    [InlineData("--eps", "NaN", "--eps takes a finite number (got 'NaN')")]
    [InlineData("--eps", "Infinity", "--eps takes a finite number (got 'Infinity')")]
    [InlineData("--eps", "1e309", "--eps takes a finite number (got '1e309')")]
    public void A_number_option_given_no_number_says_what_it_takes(string option, string value, string expected)
    {
        using var scratch = new TempDirectory();
        (int exit, _, string err) = CliHarness.Run("attack", "--model", scratch.File("m.safetensors"), "--attack", "fgsm", "--out", scratch.File("out"), option, value);
        Assert.Equal(2, exit);
        Assert.Contains($"error: {expected}", err);
        Assert.DoesNotContain("System.", err);
        Assert.False(Directory.Exists(scratch.File("out")));
    }

    [Fact]
    public void Nan_learning_rate_is_refused_before_training()
    {
        using var scratch = new TempDirectory();
        (int exit, _, string err) = CliHarness.Run("train", "--lr", "NaN", "--epochs", "1", "--train-subset", "100", "--data", CliHarness.Mnist, "--out", scratch.File("m.safetensors"), "--runs", scratch.File("runs"));
        Assert.Equal(2, exit);
        Assert.Contains("error: --lr takes a finite number (got 'NaN')", err);
        Assert.False(Directory.Exists(scratch.File("runs")));
    }

    [Theory]
    [InlineData("run", "--generation")]
    [InlineData("export", "--all-abve")]
    [InlineData("robustness-table", "--ovewrite")]
    public void A_misspelt_option_is_not_taken_for_a_file_name(string command, string misspelt)
    {
        (int exit, _, string err) = CliHarness.Run(command, misspelt);
        Assert.Equal(2, exit);
        Assert.Contains($"error: unknown option '{misspelt}'", err);
        Assert.Contains($"valid options for 'fooling {command}'", err);
        Assert.DoesNotContain("not found", err);
    }

    [Fact]
    public void An_unknown_command_is_named_without_the_parsers_required_command_line()
    {
        (int exit, _, string err) = CliHarness.Run("trian");
        Assert.Equal(2, exit);
        Assert.Contains("'trian'", err);
        Assert.DoesNotContain("Required command was not provided", err);
    }

    [Theory]
    [InlineData("""{ "epochs": "ten" }""", """key 'epochs' must be a whole number (got "ten")""")]
    [InlineData("""{ "epochs": 1.5 }""", "key 'epochs' must be a whole number (got 1.5)")]
    [InlineData("""{ "epochs": 3000000000 }""", "key 'epochs' must be a whole number from -2,147,483,648 to 2,147,483,647 (got 3000000000)")]
    [InlineData("""{ "learningRate": [0.1] }""", "key 'learningRate' must be a number (got [0.1])")]
    [InlineData("""{ "adversarial": "fgsm" }""", """key 'adversarial' must be an object { ... } (got "fgsm")""")]
    [InlineData("""{ "adversarial": null }""", "key 'adversarial' must be an object { ... }, not null")]
    [InlineData("""{ "model": null }""", "key 'model' must be a string in quotes, not null")]
    [InlineData("", "the file is empty (no JSON in it)")]
    [InlineData("""{ "epochs": 3,""", "not valid JSON at line 1, column 14: Expected start of a property name or value, but instead reached end of data")]
    public void A_config_value_of_the_wrong_type_says_what_the_key_takes(string json, string expected)
    {
        using var scratch = new TempDirectory();
        string config = scratch.File("train.json");
        File.WriteAllText(config, json);
        (int exit, _, string err) = CliHarness.Run("train", "--config", config, "--data", CliHarness.Mnist, "--out", scratch.File("m.safetensors"), "--runs", scratch.File("runs"));
        Assert.Equal(2, exit);
        Assert.Contains($"error: {config}: {expected}", err);
        Assert.DoesNotContain("System.", err);
        Assert.DoesNotContain("LineNumber", err);
    }

    [Fact]
    public void A_null_section_in_a_search_config_is_refused_not_a_crash()
    {
        using var scratch = new TempDirectory();
        string config = scratch.File("search.json");
        File.WriteAllText(config, $$"""{ "encoding": "cppn", "model": "{{target.ModelPath}}", "generations": 1, "cppn": null }""");
        (int exit, _, string err) = CliHarness.Run("run", config, "--runs", scratch.File("runs"));
        Assert.Equal(2, exit);
        Assert.Contains("key 'cppn' must be an object { ... }, not null", err);
    }

    [Theory]
    [InlineData("""{ "architecture": "lenet", "dataset": "mnist", "input_shape": "big", "classes": 10 }""", """key 'input_shape' must be a list [...] of whole numbers (got "big")""")]
    [InlineData("""{ "dataset": "mnist", "input_shape": [1, 28, 28], "classes": 10 }""", "lacks the required key 'architecture'")]
    [InlineData("[1, 2]", "expected an object { ... } at the top level")]
    public void A_damaged_sidecar_says_what_is_wrong_in_its_own_words(string sidecar, string expected)
    {
        using var scratch = new TempDirectory();
        string model = scratch.File("lenet.safetensors");
        ModelCheckpoint.Save(new LeNet(1), model, new TrainingConfig(), null);
        File.WriteAllText(Path.ChangeExtension(model, ".json"), sidecar);
        (int exit, _, string err) = CliHarness.Run("eval-model", "--model", model, "--n", "10", "--data", CliHarness.Mnist);
        Assert.Equal(2, exit);
        Assert.Contains(expected, err);
        Assert.DoesNotContain("System.", err);
        Assert.DoesNotContain("FoolingCluster.", err);
    }

    [Fact]
    public void A_refused_resume_leaves_the_run_configuration_as_it_was()
    {
        using var scratch = new TempDirectory();
        string config = RunTestSupport.WriteConfig(scratch, "search.json", "cppn", target.ModelPath, generations: 2, seed: 5);
        string run = RunTestSupport.RunOnOneThread(config, scratch.File("runs"));
        File.Delete(Path.Combine(run, RunFiles.Archive));
        File.Delete(Path.Combine(run, RunFiles.Store));
        string before = File.ReadAllText(Path.Combine(run, RunFiles.Config));
        (int exit, _, string err) = CliHarness.Run("run", "--resume", run, "--generations", "9");
        Assert.Equal(2, exit);
        Assert.Contains(RunFiles.Archive, err);
        Assert.Equal(before, File.ReadAllText(Path.Combine(run, RunFiles.Config)));
    }
}
