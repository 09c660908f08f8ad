using FoolingCluster.Tests.Shared;
using Xunit;

namespace FoolingCluster.Cli.Tests;

/// <summary>Mistakes with <c>fooling run</c>: exit code 2, an "error: ..." line that says what is wrong, no stack trace, no run folder.</summary>
public class RunBadInputTests
{
    [Fact]
    public void Unknown_top_level_key_lists_the_valid_keys()
    {
        using var scratch = new TempDirectory();
        string err = Refused(scratch, """{ "encoding": "cppn", "generation": 5 }""");
        Assert.Contains("unknown key 'generation'", err);
        foreach (string key in new[] { "generations", "initialPopulation", "batchSize", "seed", "trainConfig", "cppn", "direct" })
        {
            Assert.Contains(key, err);
        }
    }

    [Fact]
    public void Unknown_key_inside_the_cppn_section_is_named_with_its_section_and_the_sections_keys_listed()
    {
        using var scratch = new TempDirectory();
        string err = Refused(scratch, """{ "encoding": "cppn", "cppn": { "addNodeRate": 0.1, "addNodeRat": 0.2 } }""");
        Assert.Contains("'cppn.addNodeRat'", err);
        Assert.Contains("addConnectionRate", err);
        Assert.Contains("weightEta", err);
        Assert.DoesNotContain("initialPopulation", err);

        err = Refused(scratch, """{ "encoding": "direct", "direct": { "mutationEta": 15, "eta": 1 } }""");
        Assert.Contains("'direct.eta'", err);
        Assert.Contains("crossoverRate", err);
    }

    [Fact]
    public void Bad_encoding_names_the_valid_ones()
    {
        using var scratch = new TempDirectory();
        string err = Refused(scratch, """{ "encoding": "pixels" }""");
        Assert.Contains("'pixels'", err);
        Assert.Contains("cppn", err);
        Assert.Contains("direct", err);

        string config = Config(scratch, """{ "encoding": "cppn", "trainConfig": "" }""");
        err = RefusedArgs(scratch, "run", config, "--encoding", "rgb");
        Assert.Contains("'rgb'", err);
        Assert.Contains("direct", err);
    }

    [Fact]
    public void Bad_values_in_the_config_are_named()
    {
        using var scratch = new TempDirectory();
        Assert.Contains("batchSize", Refused(scratch, """{ "batchSize": 0 }"""));
        Assert.Contains("generations", Refused(scratch, """{ "generations": -1 }"""));
        Assert.Contains("cppn.addNodeRate", Refused(scratch, """{ "cppn": { "addNodeRate": 1.5 } }"""));
        Assert.Contains("'generations'", Refused(scratch, """{ "generations": "many" }"""));
    }

    [Fact]
    public void Config_and_resume_together_or_neither_are_refused()
    {
        using var scratch = new TempDirectory();
        string config = Config(scratch, """{ "encoding": "cppn", "trainConfig": "" }""");
        string err = RefusedArgs(scratch, "run", config, "--resume", scratch.Path);
        Assert.Contains("--resume", err);
        Assert.Contains("not both", err);

        err = RefusedArgs(scratch, "run");
        Assert.Contains("--resume", err);
        Assert.Contains("configuration", err);
    }

    [Fact]
    public void Resume_of_a_folder_that_is_not_a_run_folder_says_so()
    {
        using var scratch = new TempDirectory();
        string folder = scratch.File("not-a-run");
        Directory.CreateDirectory(folder);
        string err = RefusedArgs(scratch, "run", "--resume", folder);
        Assert.Contains(folder, err);
        Assert.Contains("not a run folder", err);

        err = RefusedArgs(scratch, "run", "--resume", scratch.File("missing"));
        Assert.Contains("not a run folder", err);
    }

    [Fact]
    public void Resume_refuses_options_that_would_change_the_run()
    {
        using var scratch = new TempDirectory();
        string err = RefusedArgs(scratch, "run", "--resume", scratch.Path, "--seed", "3");
        Assert.Contains("--seed", err);
        Assert.Contains("--generations", err);
    }

    [Fact]
    public void Missing_model_without_a_train_config_names_the_train_command()
    {
        using var scratch = new TempDirectory();
        string model = scratch.File("models/none.safetensors");
        string config = Config(scratch, $$"""{ "encoding": "cppn", "model": "{{model}}", "trainConfig": "" }""");
        string err = RefusedArgs(scratch, "run", config);
        Assert.Contains(model, err);
        Assert.Contains("fooling train", err);
    }

    [Fact]
    public void Missing_abs_model_names_the_abs_train_command()
    {
        using var scratch = new TempDirectory();
        string model = scratch.File("models/abs.json");
        string err = RefusedArgs(scratch, "run", Config(scratch, """{ "encoding": "cppn" }"""), "--model", model);
        Assert.Contains(model, err);
        Assert.Contains("fooling abs train", err);
    }

    [Fact]
    public void Negative_generations_on_the_command_line_is_refused()
    {
        using var scratch = new TempDirectory();
        string config = Config(scratch, """{ "encoding": "cppn", "trainConfig": "" }""");
        string err = RefusedArgs(scratch, "run", config, "--generations", "-3");
        Assert.Contains("--generations", err);
        Assert.Contains("-3", err);

        err = RefusedArgs(scratch, "run", "--resume", scratch.Path, "--generations", "-1");
        Assert.Contains("--generations", err);
    }

    private static string Config(TempDirectory scratch, string json)
    {
        string path = scratch.File($"config-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        return path;
    }

    /// <summary>Runs the configuration <paramref name="json"/> and returns the error, asserting it is refused and names the file.</summary>
    private static string Refused(TempDirectory scratch, string json)
    {
        string config = Config(scratch, json);
        string err = RefusedArgs(scratch, "run", config);
        Assert.Contains(config, err);
        return err;
    }

    /// <summary>Runs <paramref name="args"/> and returns stderr, asserting exit code 2, one "error:" message, no stack trace and no run folder.</summary>
    private static string RefusedArgs(TempDirectory scratch, params string[] args)
    {
        string runs = scratch.File("runs");
        (int exit, string output, string err) = CliHarness.Run([.. args, "--runs", runs]);
        Assert.True(exit == 2, $"exit {exit}, expected 2; stdout: {output}; stderr: {err}");
        Assert.StartsWith("error: ", err, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", err);
        Assert.DoesNotContain("Exception", err);
        Assert.False(Directory.Exists(runs) && Directory.EnumerateFileSystemEntries(runs).Any(), "a run folder was created for a refused command");
        return err;
    }
}
