using FoolingCluster.Runs;
using FoolingCluster.Runs.Export;
using FoolingCluster.Tests.Shared;
using Xunit;

namespace FoolingCluster.Cli.Tests;

/// <summary>
/// What commands do with the places they write to: an export never deletes the run it reads or a
/// folder it did not write, results are not replaced unasked, unwritable locations are refused
/// before any work with a message (never a stack trace), and a failed start leaves no run folder.
/// </summary>
[Collection(RunTestGroup.Name)]
public sealed class OutputSafetyTests(TargetModelFixture target)
{
    [Fact]
    public void Export_never_deletes_the_run_it_reads_or_a_folder_holding_it()
    {
        using var scratch = new TempDirectory();
        string runs = scratch.File("runs");
        string run = ShortRun(scratch, runs);
        string[] before = Directory.GetFiles(run);

        foreach (string output in new[] { run, runs, scratch.Path })
        {
            (int exit, _, string err) = RunTestSupport.Fooling("export", run, "--out", output, "--overwrite");
            Assert.True(exit == 2, $"export --out {output} --overwrite: exit {exit}, {err}");
            Assert.Contains("holds the run", err);
            Assert.Equal(before, Directory.GetFiles(run));
        }

        Assert.True(File.Exists(Path.Combine(run, RunFiles.Archive)));
    }

    [Fact]
    public void Export_overwrite_replaces_only_an_earlier_export()
    {
        using var scratch = new TempDirectory();
        string run = ShortRun(scratch, scratch.File("runs"));
        string mine = scratch.File("mine");
        Directory.CreateDirectory(mine);
        File.WriteAllText(Path.Combine(mine, "thesis.tex"), "keep");

        (int exit, _, string err) = RunTestSupport.Fooling("export", run, "--out", mine, "--overwrite");
        Assert.Equal(2, exit);
        Assert.Contains("not written by an export", err);
        Assert.Equal("keep", File.ReadAllText(Path.Combine(mine, "thesis.tex")));

        string export = scratch.File("export");
        (exit, _, err) = RunTestSupport.Fooling("export", run, "--out", export);
        Assert.True(exit == 0, err);
        Assert.True(File.Exists(Path.Combine(export, ExportFolder.MarkerFile)));
        File.WriteAllText(Path.Combine(export, "stale.txt"), "from before");
        (exit, _, err) = RunTestSupport.Fooling("export", run, "--out", export, "--overwrite");
        Assert.True(exit == 0, err);
        Assert.False(File.Exists(Path.Combine(export, "stale.txt")));
        Assert.True(File.Exists(Path.Combine(export, FoolingDatasetExport.TableFile)));
    }

    [Fact]
    public void Export_says_what_it_wrote_with_and_without_a_threshold()
    {
        using var scratch = new TempDirectory();
        string run = ShortRun(scratch, scratch.File("runs"));

        (int exit, string output, string err) = RunTestSupport.Fooling("export", run, "--out", scratch.File("elites"));
        Assert.True(exit == 0, err);
        Assert.DoesNotContain("above -", output);
        Assert.Contains("the run's elites", output);

        (exit, output, err) = RunTestSupport.Fooling("export", run, "--out", scratch.File("all"), "--all-above", "0.95");
        Assert.True(exit == 0, err);
        Assert.Contains("recorded at or above 0.95", output);
    }

    [Fact]
    public void Attack_and_transfer_attack_keep_a_non_empty_out_folder_unless_told_to_overwrite()
    {
        using var scratch = new TempDirectory();
        string output = scratch.File("attack");
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "summary.md"), "an earlier attack");
        string[] attack = ["attack", "--model", target.ModelPath, "--attack", "fgsm", "--eps", "0.2", "--n", "5", "--data", CliHarness.Mnist, "--out", output];

        (int exit, _, string err) = CliHarness.Run(attack);
        Assert.Equal(2, exit);
        Assert.Contains("--overwrite", err);
        Assert.Equal("an earlier attack", File.ReadAllText(Path.Combine(output, "summary.md")));

        // With --overwrite the summary is replaced by a rename, so a file it linked to is untouched.
        File.Delete(Path.Combine(output, "summary.md"));
        File.WriteAllText(scratch.File("elsewhere.md"), "not the attack's");
        File.CreateSymbolicLink(Path.Combine(output, "summary.md"), scratch.File("elsewhere.md"));
        (exit, _, err) = CliHarness.Run([.. attack, "--overwrite"]);
        Assert.True(exit == 0, err);
        Assert.Equal("not the attack's", File.ReadAllText(scratch.File("elsewhere.md")));
        Assert.StartsWith("# FGSM", File.ReadAllText(Path.Combine(output, "summary.md")));

        string other = scratch.File("other.safetensors");
        File.Copy(target.ModelPath, other);
        File.Copy(Path.ChangeExtension(target.ModelPath, ".json"), Path.ChangeExtension(other, ".json"));
        (exit, _, err) = CliHarness.Run("transfer-attack", "--models", $"{target.ModelPath},{other}", "--attack", "fgsm", "--eps", "0.2", "--n", "5", "--data", CliHarness.Mnist, "--out", output);
        Assert.Equal(2, exit);
        Assert.Contains("--overwrite", err);
        Assert.False(File.Exists(Path.Combine(output, "transfer-matrix.md")));
    }

    [Fact]
    public void Train_abs_train_pack_and_robustness_table_keep_existing_results()
    {
        using var scratch = new TempDirectory();
        string weights = scratch.File("lenet.safetensors");
        File.WriteAllText(weights, "hours of training");
        (int exit, _, string err) = CliHarness.Run("train", "--model", "lenet", "--epochs", "1", "--train-subset", "100", "--data", CliHarness.Mnist, "--out", weights, "--runs", scratch.File("runs"));
        Assert.Equal(2, exit);
        Assert.Contains("--overwrite", err);
        Assert.Equal("hours of training", File.ReadAllText(weights));

        string abs = scratch.File("abs");
        Directory.CreateDirectory(abs);
        File.WriteAllText(Path.Combine(abs, "vae-0.safetensors"), "hours of training");
        (exit, _, err) = CliHarness.Run("abs", "train", "--out", abs, "--epochs", "1", "--train-subset", "100", "--data", CliHarness.Mnist, "--runs", scratch.File("runs"));
        Assert.Equal(2, exit);
        Assert.Contains("--overwrite", err);
        Assert.Equal("hours of training", File.ReadAllText(Path.Combine(abs, "vae-0.safetensors")));

        (exit, _, err) = CliHarness.Run("abs", "pack", "--model", abs, "--out", weights);
        Assert.Equal(2, exit);
        Assert.Contains("--overwrite", err);
        Assert.Equal("hours of training", File.ReadAllText(weights));

        string table = scratch.File("table.md");
        File.WriteAllText(table, "my table");
        (exit, _, err) = CliHarness.Run("robustness-table", scratch.File("some-run"), "--out", table);
        Assert.Equal(2, exit);
        Assert.Contains("--overwrite", err);
        Assert.Equal("my table", File.ReadAllText(table));
        Assert.False(Directory.Exists(scratch.File("runs")), "a refused training made a run folder");
    }

    [Fact]
    public void An_out_or_runs_that_is_a_file_or_lies_under_one_is_refused_before_any_work()
    {
        using var scratch = new TempDirectory();
        string file = scratch.File("a-file");
        File.WriteAllText(file, "x");
        string under = Path.Combine(file, "sub");
        string run = ShortRun(scratch, scratch.File("runs"));

        (string Command, string[] Args)[] cases =
        [
            ("export to a file", ["export", run, "--out", file]),
            ("export under a file", ["export", run, "--out", under]),
            ("attack", ["attack", "--model", target.ModelPath, "--attack", "fgsm", "--eps", "0.2", "--n", "5", "--data", CliHarness.Mnist, "--out", under]),
            ("train --out", ["train", "--epochs", "1", "--train-subset", "100", "--data", CliHarness.Mnist, "--out", Path.Combine(under, "m.safetensors"), "--runs", scratch.File("train-runs")]),
            ("train --runs", ["train", "--epochs", "1", "--train-subset", "100", "--data", CliHarness.Mnist, "--out", scratch.File("m.safetensors"), "--runs", file]),
            ("abs train --out", ["abs", "train", "--epochs", "1", "--train-subset", "100", "--data", CliHarness.Mnist, "--out", under, "--runs", scratch.File("abs-runs")]),
            ("abs train --runs", ["abs", "train", "--epochs", "1", "--train-subset", "100", "--data", CliHarness.Mnist, "--out", scratch.File("abs"), "--runs", under]),
            ("run --runs", ["run", RunTestSupport.WriteConfig(scratch, "s.json", "direct", target.ModelPath, generations: 1, seed: 1), "--runs", under, "--threads", "1"]),
        ];
        foreach ((string command, string[] args) in cases)
        {
            (int exit, _, string err) = RunTestSupport.Fooling(args);
            Assert.True(exit == 2, $"{command}: exit {exit}, {err}");
            Assert.Contains(file, err);
            Assert.DoesNotContain("   at ", err);
        }

        Assert.False(File.Exists(scratch.File("m.safetensors")), "train ran although its --runs is a file");
        Assert.False(Directory.Exists(scratch.File("abs")), "abs train ran although its --runs lies under a file");
    }

    [Fact]
    public void A_file_system_error_during_the_work_is_reported_with_its_path_not_a_stack_trace()
    {
        using var scratch = new TempDirectory();
        string run = ShortRun(scratch, scratch.File("runs"));

        // transfer writes its table into the run folder; a folder in the way makes that fail.
        string blocked = Path.Combine(run, $"transfer-{Path.GetFileNameWithoutExtension(target.ModelPath)}.csv");
        Directory.CreateDirectory(Path.Combine(blocked, "inside"));
        (int exit, _, string err) = RunTestSupport.Fooling("transfer", run, "--to", target.ModelPath);
        Assert.True(exit == 2, $"exit {exit}, {err}");
        Assert.Contains(blocked, err);
        Assert.DoesNotContain("   at ", err);
    }

    [Fact]
    public void A_run_that_fails_to_start_leaves_no_run_folder()
    {
        using var scratch = new TempDirectory();
        string broken = scratch.File("broken.safetensors");
        File.WriteAllText(broken, "not a model");
        string config = RunTestSupport.WriteConfig(scratch, "search.json", "direct", broken, generations: 1, seed: 1);
        string runs = scratch.File("runs");

        (int exit, _, string err) = RunTestSupport.Fooling("run", config, "--runs", runs, "--threads", "1");
        Assert.True(exit == 2, $"exit {exit}, {err}");
        Assert.Empty(Directory.Exists(runs) ? Directory.GetFileSystemEntries(runs) : []);

        // A run that works keeps its folder.
        config = RunTestSupport.WriteConfig(scratch, "search2.json", "direct", target.ModelPath, generations: 1, seed: 1);
        RunTestSupport.RunOnOneThread(config, runs);
    }

    /// <summary>A two-generation direct search on the shared model (about a second).</summary>
    private string ShortRun(TempDirectory scratch, string runs)
    {
        string config = RunTestSupport.WriteConfig(scratch, $"search-{Guid.NewGuid():N}.json", "direct", target.ModelPath, generations: 2, seed: 4, recordThreshold: 0.9);
        return RunTestSupport.RunOnOneThread(config, runs);
    }
}
