using System.Globalization;
using System.Net;
using System.Net.Sockets;
using FoolingCluster.Models.Architectures;
using FoolingCluster.Models.Checkpoints;
using FoolingCluster.Models.Training;
using FoolingCluster.Tests.Shared;
using Xunit;

namespace FoolingCluster.Cli.Tests;

/// <summary>
/// Mistakes found by a second sweep of bad input over every command: each is refused with exit
/// code 2 naming what is wrong, before any wait, and leaves no folder behind.
/// </summary>
[Collection(RunTestGroup.Name)]
public sealed class SweepTwoBadInputTests(TargetModelFixture target)
{
    [Theory]
    [InlineData("batchSize")]
    [InlineData("initialPopulation")]
    public void A_huge_generation_size_is_refused_with_its_range_before_a_run_folder_is_made(string key)
    {
        using var scratch = new TempDirectory();
        string config = scratch.File("search.json");
        File.WriteAllText(config, $$"""{ "encoding": "cppn", "model": "{{target.ModelPath}}", "generations": 1, "{{key}}": 2000000000 }""");

        (int exit, _, string err) = CliHarness.Run("run", config, "--runs", scratch.File("runs"));

        Assert.Equal(2, exit);
        Assert.Contains($"error: {config}: {key} must be in [1, 100000] (got 2000000000)", err);
        Assert.False(Directory.Exists(scratch.File("runs")));
    }

    [Theory]
    [InlineData("127.0.0.1", "must be HOST:PORT with a host name or IP address and a port in [1, 65535]")]
    [InlineData(":4053", "must be HOST:PORT with a host name or IP address and a port in [1, 65535]")]
    [InlineData("no such host:4053", "must be HOST:PORT with a host name or IP address and a port in [1, 65535]")]
    [InlineData("127.0.0.1:99999", "must be HOST:PORT with a host name or IP address and a port in [1, 65535]")]
    [InlineData("127.0.0.1:0", "must be HOST:PORT with a host name or IP address and a port in [1, 65535]")]
    [InlineData("http://127.0.0.1:4053", "takes HOST:PORT, not a URL")]
    [InlineData("akka.tcp://fooling@127.0.0.1:4053", "takes HOST:PORT, not a URL")]
    public void A_malformed_cluster_address_is_refused_at_once_in_the_users_spelling(string address, string expected)
    {
        using var scratch = new TempDirectory();
        string config = RunTestSupport.WriteConfig(scratch, "search.json", "cppn", target.ModelPath, generations: 1, seed: 1);
        string[][] commands =
        [
            ["worker", "--join", address, "--cache", scratch.File("cache")],
            ["coordinator", config, "--cluster", address, "--runs", scratch.File("runs")],
            ["eval-robustness", "--model", target.ModelPath, "--n", "2", "--norms", "linf", "--attacks", "fgsm", "--runs", scratch.File("runs"), "--cluster", address],
            ["abs", "train", "--out", scratch.File("abs"), "--epochs", "1", "--train-subset", "20", "--runs", scratch.File("runs"), "--cluster", address],
        ];
        foreach (string[] args in commands)
        {
            string option = args[0] == "worker" ? "--join" : "--cluster";
            var clock = System.Diagnostics.Stopwatch.StartNew();
            (int exit, _, string err) = CliHarness.Run(args);

            Assert.True(exit == 2, $"{args[0]}: exit {exit}; {err}");
            Assert.Contains($"error: {option} {expected}", err);
            Assert.Contains($"(got '{address}')", err);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"{args[0]} took {clock.Elapsed} to refuse {address}");
            Assert.False(Directory.Exists(scratch.File("runs")), $"{args[0]} left runs/");
        }
    }

    [Fact]
    public void A_cluster_address_other_machines_reach_is_refused_without_insecure()
    {
        using var scratch = new TempDirectory();
        string config = RunTestSupport.WriteConfig(scratch, "search.json", "cppn", target.ModelPath, generations: 1, seed: 1);
        string[][] commands =
        [
            ["worker", "--join", "127.0.0.1:4053", "--cluster", "10.1.2.3:0", "--cache", scratch.File("cache")],
            ["coordinator", config, "--cluster", "10.1.2.3:4053", "--runs", scratch.File("runs")],
            ["eval-robustness", "--model", target.ModelPath, "--n", "2", "--norms", "linf", "--attacks", "fgsm", "--runs", scratch.File("runs"), "--cluster", "10.1.2.3:4053"],
            ["abs", "train", "--out", scratch.File("abs"), "--epochs", "1", "--train-subset", "20", "--runs", scratch.File("runs"), "--cluster", "10.1.2.3:4053"],
        ];
        foreach (string[] args in commands)
        {
            (int exit, _, string err) = CliHarness.Run(args);

            Assert.True(exit == 2, $"{args[0]}: exit {exit}; {err}");
            Assert.Contains("can be reached from other machines: give every node the cluster's certificate with --tls FILE", err);
            Assert.Contains("or add --insecure", err);
            Assert.False(Directory.Exists(scratch.File("runs")), $"{args[0]} left runs/");
        }
    }

    [Theory]
    [InlineData("worker")]
    [InlineData("coordinator")]
    [InlineData("eval-robustness")]
    [InlineData("abs")]
    public void A_cluster_port_another_process_listens_on_is_refused_in_one_line_with_exit_2_and_no_runs_folder_left(string command)
    {
        using var scratch = new TempDirectory();
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        string address = string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{((IPEndPoint)taken.LocalEndpoint).Port}");
        string runs = scratch.File("runs");
        string[] args = command switch
        {
            "worker" => ["worker", "--join", "127.0.0.1:1", "--cluster", address, "--cache", scratch.File("cache")],
            "coordinator" => ["coordinator", RunTestSupport.WriteConfig(scratch, "search.json", "cppn", target.ModelPath, generations: 1, seed: 1), "--cluster", address, "--listen", "127.0.0.1:0", "--runs", runs],
            "eval-robustness" => ["eval-robustness", "--model", target.ModelPath, "--n", "2", "--norms", "linf", "--attacks", "fgsm", "--data", CliHarness.Mnist, "--runs", runs, "--cluster", address],
            _ => ["abs", "train", "--out", scratch.File("abs"), "--epochs", "1", "--train-subset", "20", "--data", CliHarness.Mnist, "--runs", runs, "--cluster", address],
        };

        // A real process: what the hosting layer prints to the console is part of what the user sees.
        using FoolingProcess child = FoolingProcess.Start(null, args);
        int exit = child.WaitForExit(TimeSpan.FromSeconds(60), $"fooling {command} on a taken port");

        Assert.True(exit == 2, $"exit {exit}; output:\n{child.Output}");
        Assert.Contains($"error: --cluster {address}: another process already listens on port", child.Output);
        Assert.DoesNotContain("   at ", child.Output);
        Assert.DoesNotContain("Exception", child.Output);
        Assert.False(Directory.Exists(runs), $"runs/ was left behind: {string.Join(", ", Directory.Exists(runs) ? Directory.GetFileSystemEntries(runs) : [])}");
    }

    [Fact]
    public void A_runs_folder_that_held_something_before_is_kept()
    {
        using var scratch = new TempDirectory();
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        string config = RunTestSupport.WriteConfig(scratch, "search.json", "cppn", target.ModelPath, generations: 1, seed: 1);
        string runs = scratch.File("runs");
        Directory.CreateDirectory(runs);

        (int exit, _, _) = RunTestSupport.Fooling("coordinator", config, "--cluster", $"127.0.0.1:{((IPEndPoint)taken.LocalEndpoint).Port}", "--listen", "127.0.0.1:0", "--runs", runs);

        Assert.Equal(2, exit);
        Assert.True(Directory.Exists(runs));
        Assert.Empty(Directory.GetFileSystemEntries(runs));
    }

    [Fact]
    public void An_abs_section_in_a_lenet_sidecar_is_refused_naming_the_file_and_key()
    {
        using var scratch = new TempDirectory();
        string model = scratch.File("lenet.safetensors");
        ModelCheckpoint.Save(new LeNet(1), model, new TrainingConfig(), null);
        string sidecar = Path.ChangeExtension(model, ".json");
        File.WriteAllText(sidecar, File.ReadAllText(sidecar).Replace("\"abs\": null", "\"abs\": {}", StringComparison.Ordinal));

        (int exit, _, string err) = CliHarness.Run("eval-model", "--model", model, "--n", "10", "--data", CliHarness.Mnist);

        Assert.Equal(2, exit);
        Assert.Contains(sidecar, err);
        Assert.Contains("'abs'", err);
        Assert.Contains("lenet", err);
    }

    [Theory]
    [InlineData("export", "RUN", "--out", "")]
    [InlineData("train", "--epochs", "1", "--out", "")]
    [InlineData("robustness-table", "RUN", "--out", "")]
    [InlineData("bench", "engine", "--quick", "--out", "")]
    [InlineData("bench", "conv", "--quick", "--out", "")]
    [InlineData("export-onnx", "--model", "MODEL", "--out", "")]
    [InlineData("worker", "--join", "127.0.0.1:1", "--id", " ")]
    public void An_empty_value_is_refused_naming_the_option_not_a_crash(params string[] args)
    {
        using var scratch = new TempDirectory();
        string[] filled = args.Select(a => a switch { "RUN" => scratch.Path, "MODEL" => target.ModelPath, _ => a }).ToArray();
        string option = args[^2];

        (int exit, _, string err) = CliHarness.Run(filled);

        Assert.Equal(2, exit);
        Assert.Contains($"error: {option} is empty; give it a value", err);
        Assert.DoesNotContain("   at ", err);
    }

    [Theory]
    [InlineData("attack")]
    [InlineData("eval-robustness")]
    public void A_probe_count_in_the_millions_is_refused_before_it_runs_for_hours(string command)
    {
        using var scratch = new TempDirectory();
        string[] args = command == "attack"
            ? ["attack", "--model", target.ModelPath, "--attack", "fgsm", "--eps", "0.1", "--n", "5", "--out", scratch.File("out"), "--probes", "100000000"]
            : ["eval-robustness", "--model", target.ModelPath, "--n", "2", "--norms", "linf", "--attacks", "fgsm", "--runs", scratch.File("runs"), "--probes", "100000000"];
        var clock = System.Diagnostics.Stopwatch.StartNew();

        (int exit, _, string err) = CliHarness.Run(args);

        Assert.Equal(2, exit);
        Assert.Contains("error: --probes must be at most 10000 (got 100000000)", err);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
        Assert.False(Directory.Exists(scratch.File("out")) || Directory.Exists(scratch.File("runs")));
    }

    [Fact]
    public void An_option_after_the_models_of_transfer_is_not_taken_for_one_more_model()
    {
        using var scratch = new TempDirectory();

        (int exit, _, string err) = CliHarness.Run("transfer", scratch.Path, "--to", target.ModelPath, "--backend", "engine");

        Assert.Equal(2, exit);
        Assert.Contains("error: unknown option '--backend'", err);
        Assert.Empty(Directory.GetFileSystemEntries(scratch.Path));
    }
}
