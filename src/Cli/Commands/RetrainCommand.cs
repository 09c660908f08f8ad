using System.CommandLine;
using System.Globalization;
using FoolingCluster.Bench;
using FoolingCluster.Cli.Evolution;
using FoolingCluster.Cli.Output;
using FoolingCluster.Coordinator.Http;
using FoolingCluster.Defense.Retraining;
using FoolingCluster.Hosting.Runs;
using FoolingCluster.Models.Configuration;
using FoolingCluster.Models.Training;
using FoolingCluster.Runs;
using FoolingCluster.Tensors;
using FoolingCluster.Tensors.Serialization;

namespace FoolingCluster.Cli.Commands;

/// <summary>
/// <c>fooling retrain</c>: the n+1 class retraining loop of Nguyen et al. (2015, §3.6–3.8), in a
/// run folder with one sub-folder per network and retrain.{md,csv,svg} rewritten after each.
/// </summary>
internal static class RetrainCommand
{
    /// <summary>The loop's own settings, as stored in its run folder.</summary>
    public const string ConfigCopy = "retrain.json";

    /// <summary>The search settings, as stored in the run folder.</summary>
    public const string SearchCopy = "search.json";

    /// <summary>The training settings, as stored in the run folder.</summary>
    public const string TrainingCopy = "training.json";

    public static Command Build()
    {
        var config = new Option<string?>("--config") { Description = "retraining configuration, e.g. config/retrain-mnist.json" };
        var resume = new Option<string?>("--resume") { Description = "continue the loop in runs/<id> after a crash or Ctrl-C (finished networks are kept)" };
        var iterations = new Option<int?>("--iterations") { Description = "rounds of retraining, overriding the configuration's" };
        var generations = new Option<int?>("--generations") { Description = "generations of every search, overriding the configuration's" };
        var runs = new Option<string>("--runs") { Description = "folder under which the run folder is created", DefaultValueFactory = _ => "runs" };
        var workers = new Option<int>("--workers") { Description = "in-process workers of each search", DefaultValueFactory = _ => 1 };
        var clusterAddress = new Option<string?>("--cluster") { Description = "HOST:PORT to listen on for workers (e.g. 127.0.0.1:4053; `fooling worker --join` it): run every search on them" };
        var insecure = ClusterOptions.Insecure();
        var tls = ClusterOptions.Tls();
        var listen = new Option<string?>("--listen") { Description = $"HOST:PORT of each search's dashboard, from which workers fetch the network (with --cluster; default {DashboardOptions.DefaultListen})" };
        var token = new Option<string?>("--token") { Description = "dashboard token, needed for a --listen address beyond this machine" };
        var advertise = new Option<string?>("--advertise") { Description = "http://HOST:PORT at which workers reach --listen" };
        var threads = CommonOptions.Threads();
        var command = new Command("retrain", "The n+1 class defence: train, evolve fooling images, add them as an extra class, retrain, repeat; writes runs/<id>/retrain.{md,csv,svg} and every network's search.")
        {
            config, resume, iterations, generations, runs, workers, clusterAddress, insecure, tls, listen, token, advertise, threads,
        };
        command.SetAction((parse, cancel) =>
        {
            CommonOptions.ApplyThreads(parse.GetValue(threads));
            string? configPath = parse.GetValue(config);
            string? resumeFolder = parse.GetValue(resume);
            if ((configPath is null) == (resumeFolder is null))
            {
                throw new InvalidInputException("give either --config config/retrain-mnist.json or --resume runs/<id>, not both and not neither");
            }

            int workerCount = parse.GetValue(workers);
            if (workerCount is < 1 or > 64)
            {
                throw new InvalidInputException($"--workers must be in [1, 64] (got {workerCount})");
            }

            RunMode mode = parse.GetValue(clusterAddress) is string address
                ? new RunMode("coordinator", 0, new DashboardOptions { Listen = parse.GetValue(listen) ?? DashboardOptions.DefaultListen, Token = parse.GetValue(token) }, ClusterOptions.Node(address, null, parse.GetValue(insecure), anyPort: false, parse.GetValue(tls)), ClusterOptions.Advertise(parse.GetValue(advertise))) { JoinTimeout = ClusterOptions.JoinTimeout() }
                : new RunMode("run", workerCount, null, null, null);
            if (mode.Dashboard is not null)
            {
                DashboardServer.Validate(mode.Dashboard);
            }

            TextWriter console = parse.InvocationConfiguration.Output;
            (RetrainConfig loop, EvolutionConfig search, TrainingConfig training, RunFolder folder) = resumeFolder is null
                ? Start(configPath!, parse.GetValue(runs)!, console)
                : Resume(resumeFolder, console);
            using RunFolder run = folder;
            if (parse.GetValue(iterations) is int i)
            {
                loop = loop with { Iterations = i };
            }

            if (parse.GetValue(generations) is int g)
            {
                loop = loop with { Generations = g };
            }

            loop.Validate("--iterations/--generations");
            AtomicFile.WriteAllText(run.File(ConfigCopy), StrictJson.Serialize(loop));
            run.Log.Information("retraining loop in {Run:l}: {Iterations} rounds", run.Path, loop.Iterations);
            var searcher = new CommandLineSearch(mode, console);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            IReadOnlyList<NetworkMetrics> rows;
            using (var ctrlC = new CtrlCHandler(cancel))
            {
                try
                {
                    rows = new RetrainLoop(loop, search, training, searcher, run.Path, line => run.Log.Information("{Line:l}", line)).Run(ctrlC.Token);
                }
                catch (OperationCanceledException)
                {
                    run.Log.Warning("stopped; finished networks are kept. Continue with: ./fooling retrain --resume {Run:l}", run.Path);
                    return Task.FromResult(FoolingApp.Interrupted);
                }
            }

            string[] header =
            [
                $"command: `{CommonOptions.CommandLine(parse)}`",
                $"machine: {MachineInfo.Describe()}",
                string.Create(CultureInfo.InvariantCulture, $"finished: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; this sitting took {clock.Elapsed.TotalMinutes:F1} min"),
            ];
            AtomicFile.WriteAllText(run.File("retrain.md"), RetrainReport.Markdown(rows, loop, header));
            AtomicFile.WriteAllText(run.File("retrain.csv"), RetrainReport.Csv(rows));
            AtomicFile.WriteAllText(run.File("retrain.svg"), RetrainReport.Svg(rows));
            run.Log.Information("wrote retrain.md, retrain.csv and retrain.svg in {Run:l}; each network's folder holds its weights, its search (elites.png, report.html) and its fooling images", run.Path);
            return Task.FromResult(FoolingApp.Success);
        });
        return command;
    }

    private static (RetrainConfig, EvolutionConfig, TrainingConfig, RunFolder) Start(string configPath, string runsRoot, TextWriter console)
    {
        RetrainConfig loop = StrictJson.Read<RetrainConfig>(configPath);
        loop.Validate(configPath);
        EvolutionConfig search = StrictJson.Read<EvolutionConfig>(loop.Search);
        search.Validate(loop.Search);
        TrainingConfig training = StrictJson.Read<TrainingConfig>(loop.Training);
        training.Validate(loop.Training);
        var folder = RunFolder.Create(runsRoot, "retrain", search.Encoding, console);
        AtomicFile.WriteAllText(folder.File(SearchCopy), StrictJson.Serialize(search));
        AtomicFile.WriteAllText(folder.File(TrainingCopy), StrictJson.Serialize(training));
        return (loop, search, training, folder);
    }

    private static (RetrainConfig, EvolutionConfig, TrainingConfig, RunFolder) Resume(string folder, TextWriter console)
    {
        string configPath = Path.Combine(folder, ConfigCopy);
        if (!File.Exists(configPath))
        {
            throw new InvalidInputException($"{folder} is not a run folder of `fooling retrain` (no {ConfigCopy} in it)");
        }

        RetrainConfig loop = StrictJson.Read<RetrainConfig>(configPath);
        loop.Validate(configPath);
        EvolutionConfig search = StrictJson.Read<EvolutionConfig>(Path.Combine(folder, SearchCopy));
        TrainingConfig training = StrictJson.Read<TrainingConfig>(Path.Combine(folder, TrainingCopy));
        return (loop, search, training, RunFolder.Open(folder, console));
    }

    /// <summary>Each search as <c>fooling run</c> (or <c>fooling coordinator</c>) runs it, in the network's folder.</summary>
    private sealed class CommandLineSearch(RunMode mode, TextWriter console) : IFoolingSearch
    {
        public bool Run(EvolutionConfig config, string folder, CancellationToken cancel)
        {
            using RunFolder run = RunFolder.Open(folder, console);
            return RunCommand.SearchIn(config, run, mode, cancel) == FoolingApp.Success;
        }
    }
}
