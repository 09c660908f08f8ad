using System.CommandLine;
using System.Globalization;
using FoolingCluster.Cli.Evolution;
using FoolingCluster.Cli.ModelFiles;
using FoolingCluster.Cli.Output;
using FoolingCluster.Coordinator.Http;
using FoolingCluster.Evolution.Archive;
using FoolingCluster.Evolution.Encodings;
using FoolingCluster.Evolution.Evaluation;
using FoolingCluster.Evolution.Genomes;
using FoolingCluster.Hosting.Persistence;
using FoolingCluster.Hosting.Runs;
using FoolingCluster.Models.Configuration;
using FoolingCluster.Protocol.Messages;
using FoolingCluster.Runs;
using FoolingCluster.Runs.Reporting;
using FoolingCluster.Tensors;
using FoolingCluster.Tensors.Serialization;
using Google.Protobuf;

namespace FoolingCluster.Cli.Commands;

/// <summary>
/// <c>fooling run</c>: the product's main job. Evolves fooling images against a trained
/// classifier with MAP-Elites (training the classifier first if it does not exist yet) and
/// leaves a self-contained run folder; <c>--resume</c> continues one. With <c>--dashboard</c> the
/// run serves its live dashboard and HTTP API (<see cref="DashboardServer"/>) while it runs.
/// </summary>
internal static class RunCommand
{
    private const string ModelCopy = RunFiles.Model;

    /// <summary>Environment variable read for the token when <c>--token</c> is not given (keeps it out of the process list).</summary>
    private const string TokenVariable = "FOOLING_DASHBOARD_TOKEN";

    /// <summary><c>fooling run</c>, or with <paramref name="coordinator"/> <c>fooling coordinator</c>: the same search with its workers joining its Akka.NET cluster and the HTTP API always on.</summary>
    public static Command Build(bool coordinator = false)
    {
        var config = new Argument<string?>("config") { Description = "search configuration, e.g. config/mnist-cppn.json or config/mnist-direct.json", Arity = ArgumentArity.ZeroOrOne };
        var resume = new Option<string?>("--resume") { Description = "continue the run in this folder (runs/<id>) from its last snapshot" };
        var generations = new Option<int?>("--generations") { Description = "last generation to run (overrides the configuration; with --resume, extends the run)" };
        var seed = new Option<long?>("--seed") { Description = "seed of the search" };
        var encoding = new Option<string?>("--encoding") { Description = "cppn or direct" };
        var model = new Option<string?>("--model") { Description = "target model: weights (.safetensors with its sidecar) or an ONNX classifier (.onnx)" };
        var runs = new Option<string>("--runs") { Description = "folder that receives the run folder", DefaultValueFactory = _ => "runs" };
        var workers = new Option<int>("--workers") { Description = "in-process workers evaluating jobs (each uses --threads kernel threads)", DefaultValueFactory = _ => coordinator ? 0 : 1 };
        var dashboard = new Option<bool>("--dashboard") { Description = "serve the live dashboard and HTTP API while the run runs (elite grid, confidence over time, workers, pause/resume/stop, export)" };
        var cluster = ClusterOptions.Listen(ClusterOptions.DefaultCoordinatorAddress, $"HOST:PORT this coordinator listens on for workers (default {ClusterOptions.DefaultCoordinatorAddress}, this machine only; another address needs --tls FILE, or --insecure to send unencrypted)");
        var insecure = ClusterOptions.Insecure();
        var tls = ClusterOptions.Tls();
        var join = ClusterOptions.Join(required: false);
        join.Description = "HOST:PORT of the active coordinator (its --cluster address): start as a standby that takes the run over, from the shared --journal, when the active coordinator is gone; needs --resume";
        var journal = new Option<string?>("--journal") { Description = "postgres://USER@HOST:PORT/DATABASE: keep the run's journal there (password in PGPASSWORD) so that a standby coordinator (--join) can take over; default: journal.db in the run folder" };
        var advertise = new Option<string?>("--advertise") { Description = "http://HOST:PORT at which workers reach this coordinator's HTTP API (default: the --listen address)" };
        var listen = new Option<string?>("--listen") { Description = $"HOST:PORT the dashboard binds (default {DashboardOptions.DefaultListen}, this machine only; any other address needs --token)" };
        var token = new Option<string?>("--token") { Description = $"secret that control and export requests must send (Authorization: Bearer <token>); default: ${TokenVariable}. Without one, a loopback dashboard lets anyone on this machine control the run" };
        var waitForWorkers = new Option<int>("--wait-for-workers") { Description = "hold the run until this many workers have joined (0: run at once; jobs wait for the first worker)" };
        var threads = CommonOptions.Threads();
        var backend = ModelLoading.BackendOption();
        var command = coordinator
            ? new Command("coordinator", "Run a search whose jobs go to `fooling worker` processes that join its cluster; serves the dashboard and the HTTP API workers fetch the model from. Same run folder, resume and outputs as `fooling run`.")
            {
                config, resume, generations, seed, encoding, model, runs, cluster, insecure, tls, join, journal, listen, token, advertise, workers, waitForWorkers, threads, backend,
            }
            : new Command("run", "Evolve images the target classifier labels with ≥ 99.99% confidence (MAP-Elites, one cell per class); writes runs/<id>/ with elites.png, report.html, history.csv and the archive.")
            {
                config, resume, generations, seed, encoding, model, runs, workers, threads, dashboard, listen, token, backend,
            };
        command.SetAction((parse, cancel) =>
        {
            CommonOptions.ApplyThreads(parse.GetValue(threads));
            int workerCount = parse.GetValue(workers);
            int fewest = coordinator ? 0 : 1;
            if (workerCount < fewest || workerCount > 64)
            {
                throw new InvalidInputException($"--workers must be in [{fewest}, 64] (got {workerCount})");
            }

            int quorum = coordinator ? parse.GetValue(waitForWorkers) : 0;
            if (quorum < 0 || quorum > 10_000)
            {
                throw new InvalidInputException($"--wait-for-workers must be in [0, 10000] (got {quorum})");
            }

            TextWriter console = parse.InvocationConfiguration.Output;
            string? configPath = parse.GetValue(config);
            string? resumeFolder = parse.GetValue(resume);
            int? generationsOverride = parse.GetValue(generations);
            if (generationsOverride is < 0)
            {
                throw new InvalidInputException($"--generations must be non-negative (got {generationsOverride})");
            }

            if ((configPath is null) == (resumeFolder is null))
            {
                throw new InvalidInputException("give either a configuration (./fooling run config/mnist-cppn.json) or --resume runs/<id>, not both and not neither");
            }

            DashboardOptions? web = DashboardFrom(coordinator || parse.GetValue(dashboard), parse.GetValue(listen), parse.GetValue(token));
            RunMode mode = coordinator
                ? new RunMode("coordinator", workerCount, web, ClusterOptions.Node(parse.GetValue(cluster)!, parse.GetValue(join), parse.GetValue(insecure), anyPort: false, parse.GetValue(tls)), ClusterOptions.Advertise(parse.GetValue(advertise))) { JoinTimeout = ClusterOptions.JoinTimeout() }
                : new RunMode("run", workerCount, web, null, null);
            mode = mode with { WaitForWorkers = quorum, Backend = ModelLoading.Backend(parse.GetValue(backend)), Journal = coordinator && parse.GetValue(journal) is string url ? JournalStore.Postgres(url) : null };
            if (mode.Standby && resumeFolder is null)
            {
                throw new InvalidInputException("a standby coordinator (--join) takes over a run that exists: give --resume runs/<id> with the active coordinator's run folder (and the same --journal)");
            }

            if (mode.Standby && mode.Journal is null)
            {
                throw new InvalidInputException("a standby coordinator (--join) takes the run over from a journal both coordinators reach: give the --journal postgres://USER@HOST:PORT/DATABASE the active coordinator uses");
            }

            if (resumeFolder is not null)
            {
                if (parse.GetValue(seed) is not null || parse.GetValue(encoding) is not null || parse.GetValue(model) is not null || parse.GetValue(backend) is not null)
                {
                    throw new InvalidInputException("--seed, --encoding, --model and --backend cannot change a run being resumed (its model.json says what runs its model); only --generations can");
                }

                return Task.FromResult(Resume(resumeFolder, generationsOverride, mode, console, cancel));
            }

            if (parse.GetValue(join) is { Length: > 0 })
            {
                throw new InvalidInputException("--join makes this coordinator a standby, which needs --resume runs/<id>");
            }

            EvolutionConfig cfg = StrictJson.Read<EvolutionConfig>(configPath!);
            string configured = cfg.Model;
            cfg = cfg with
            {
                Generations = generationsOverride ?? cfg.Generations,
                Seed = parse.GetValue(seed) ?? cfg.Seed,
                Encoding = parse.GetValue(encoding) ?? cfg.Encoding,
                Model = parse.GetValue(model) ?? cfg.Model,
            };
            cfg.Validate(configPath!);
            return Task.FromResult(Start(cfg, configured, parse.GetValue(runs)!, mode, console, cancel));
        });
        return command;
    }

    /// <summary>The dashboard options, checked before anything runs; null without <c>--dashboard</c>.</summary>
    private static DashboardOptions? DashboardFrom(bool enabled, string? listen, string? token)
    {
        if (!enabled)
        {
            if (listen is not null || token is not null)
            {
                throw new InvalidInputException("--listen and --token configure the dashboard; add --dashboard");
            }

            return null;
        }

        token ??= Environment.GetEnvironmentVariable(TokenVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment : null;
        var options = new DashboardOptions { Listen = listen ?? DashboardOptions.DefaultListen, Token = token };
        DashboardServer.Validate(options);
        return options;
    }

    private static int Start(EvolutionConfig cfg, string configured, string runsRoot, RunMode mode, TextWriter console, CancellationToken cancel)
    {
        using (var ctrlC = new CtrlCHandler(cancel))
        {
            if (!TargetModel.EnsureTrained(cfg.Model, configured, cfg.TrainConfig, runsRoot, console, ctrlC.Token, mode.Backend))
            {
                return FoolingApp.Failure;
            }
        }

        using RunFolder run = RunFolder.Create(runsRoot, "run", cfg.Encoding, console);
        return SearchIn(cfg, run, mode, cancel);
    }

    /// <summary>
    /// Runs a fresh search in an existing, empty run folder: what <c>fooling run</c> does after
    /// creating its folder, and what the retraining loop does for each of its networks.
    /// </summary>
    internal static int SearchIn(EvolutionConfig cfg, RunFolder run, RunMode mode, CancellationToken cancel)
    {
        (var loaded, ModuleClassifier classifier) = TargetModel.Load(cfg.Model, mode.Backend);
        TargetModel.CopyInto(cfg.Model, run.Path, ModelCopy, loaded);
        AtomicFile.WriteAllText(run.File(RunFiles.Config), StrictJson.Serialize(cfg));
        string description = TargetModel.Describe(cfg.Model, loaded.Sidecar);
        run.Log.Information("evolving {Encoding:l} fooling images against {Model:l}: {Generations} generations of {Batch} after {Initial} random, seed {Seed}, {Threads} threads; run folder {Run:l}",
            cfg.Encoding, description, cfg.Generations, cfg.BatchSize, cfg.InitialPopulation, cfg.Seed, Engine.Threads, run.Path);
        return Dispatch(cfg, classifier, run, description, resume: false, mode, cancel);
    }

    private static int Resume(string folder, int? generations, RunMode mode, TextWriter console, CancellationToken cancel)
    {
        string configPath = Path.Combine(folder, RunFiles.Config);
        if (!Directory.Exists(folder) || !File.Exists(configPath))
        {
            throw new InvalidInputException($"{folder} is not a run folder of `fooling run` (no {RunFiles.Config} in it)");
        }

        if (!mode.Standby)
        {
            // A standby reads the run when it takes over; the active coordinator may not have stored anything yet.
            ResumableRun.Require(folder);
        }

        EvolutionConfig cfg = StrictJson.Read<EvolutionConfig>(configPath);
        if (generations is int g && g != cfg.Generations)
        {
            if (CompletedGeneration(folder) is int done && g < done)
            {
                throw new InvalidInputException($"--generations {g} is below generation {done}, which {folder} has already run; give a larger number to extend the run");
            }

            cfg = cfg with { Generations = g };
        }

        cfg.Validate(configPath);
        RunJournalLocation.Check(folder, mode.Journal);
        (var loaded, ModuleClassifier classifier) = TargetModel.Load(RunFiles.ModelIn(folder), console: console);

        // The new last generation is recorded only once the run is known to be resumable, so a
        // refused resume leaves the folder as it was.
        if (cfg.Generations != StrictJson.Read<EvolutionConfig>(configPath).Generations && CompletedGeneration(folder) is not null)
        {
            AtomicFile.WriteAllText(configPath, StrictJson.Serialize(cfg));
        }
        using RunFolder run = RunFolder.Open(folder, console);
        string description = TargetModel.Describe(cfg.Model, loaded.Sidecar);
        run.Log.Information("resuming {Run:l} up to generation {Generations}", run.Path, cfg.Generations);
        return Dispatch(cfg, classifier, run, description, resume: true, mode, cancel);
    }

    /// <summary>Last generation the snapshot in <paramref name="folder"/> holds; null if it cannot be read (resuming then reports why).</summary>
    private static int? CompletedGeneration(string folder)
    {
        try
        {
            return ArchiveSnapshotMessage.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(folder, RunFiles.Archive))).Generation - 1;
        }
        catch (Exception ex) when (ex is IOException or InvalidProtocolBufferException)
        {
            return null;
        }
    }

    private static int Dispatch(EvolutionConfig cfg, ModuleClassifier classifier, RunFolder run, string description, bool resume, RunMode mode, CancellationToken cancel)
    {
        ImageShape shape = classifier.InputShape;
        return cfg.Encoding switch
        {
            CppnEncoding.EncodingName => Search(new CppnEncoding(shape, cfg.Cppn), cfg, classifier, run, description, resume, mode, cancel),
            DirectEncoding.EncodingName => Search(new DirectEncoding(shape, cfg.Direct), cfg, classifier, run, description, resume, mode, cancel),
            _ => throw new InvalidInputException($"unknown encoding '{cfg.Encoding}'; valid: {CppnEncoding.EncodingName}, {DirectEncoding.EncodingName}"),
        };
    }

    private static int Search<TGenome>(IEncoding<TGenome> encoding, EvolutionConfig cfg, ModuleClassifier classifier, RunFolder run, string description, bool resume, RunMode mode, CancellationToken cancel)
    {
        var evaluator = new Evaluator<TGenome>(encoding.Decoder, classifier);
        ClassLabels labels = ClassLabels.ForRun(run.Path);
        void WriteOutputs(SearchRun<TGenome> search, string folder)
        {
            var facts = new RunFacts(search.RunId, encoding.Name, description, cfg.Generations, search.History.Count > 0 ? search.History[^1].SearchSeconds : 0, search.FoundCount, cfg.RecordThreshold) { Labels = labels };
            RunReport.Write(folder, facts, search.Scheduler.Archive, encoding.Decoder, search.History);
        }

        var hosted = new HostedRun(run.Id, run.Path, cfg, encoding.Name, description, classifier.Classes, labels);
        var log = new HostLog(line => run.Log.Information("{Line:l}", line), line => run.Log.Warning("{Line:l}", line));
        var status = new ConsoleProgress<GenerationRecord>(run.Console, SearchProgressFormat.Line, ConsoleProgress<GenerationRecord>.ConsoleIsInteractive);
        HostedSearch<TGenome> ended;
        using (var ctrlC = new CtrlCHandler(cancel))
        {
            ended = SearchHost.Run(mode, hosted, encoding, evaluator, resume, WriteOutputs, new Progress(status, run, cfg.SnapshotEvery), log, ctrlC.Token, status.Finish);
        }

        switch (ended.End)
        {
            case HostedEnd.StoppedWhileStandingBy:
                return FoolingApp.Interrupted;
            case HostedEnd.StoppedByTheActiveCoordinator:
                run.Log.Warning("the active coordinator stopped the run on purpose after generation {Generation}; it stays stopped. Continue it with: ./fooling {Command:l} --resume {Run:l}", ended.Outcome!.LastGeneration, mode.Name, run.Path);
                return FoolingApp.Success;
        }

        SearchOutcome outcome = ended.Outcome!;
        if (outcome.LastGeneration >= 0)
        {
            // Stopped before generation 0 was merged there is no archive to sum up; the warning below says so.
            LogSummary(run, ended.Archive!, outcome, ended.Found, labels);
        }

        if (outcome.Stopped)
        {
            if (outcome.LastGeneration < 0)
            {
                run.Log.Warning("stopped before the first generation was merged; nothing was lost. Start again with: ./fooling {Command:l} --resume {Run:l}", mode.Name, run.Path);
            }
            else
            {
                run.Log.Warning("stopped after generation {Generation}; everything so far is saved. Continue with: ./fooling {Command:l} --resume {Run:l}", outcome.LastGeneration, mode.Name, run.Path);
            }
            return FoolingApp.Interrupted;
        }

        return FoolingApp.Success;
    }

    private static void LogSummary<TGenome>(RunFolder run, EliteArchive<TGenome> archive, SearchOutcome outcome, int found, ClassLabels labels)
    {
        ArchiveStats stats = archive.Stats();
        run.Log.Information("generation {Generation}: {Fooled}/{Cells} classes at ≥ 99.99%, median elite {Median:l}, {Evaluations:N0} evaluations in {Seconds:F1} s of search ({Rate:N0}/s); {Found:N0} distinct images recorded",
            outcome.LastGeneration, stats.AtLeast9999, stats.Cells, ConfidenceText.Percent(stats.MedianConfidence), archive.Evaluations, outcome.SearchSeconds, archive.Evaluations / Math.Max(outcome.SearchSeconds, 1e-9), found);
        RunSummaryLines.Log(run.Log, archive.Elites, labels);

        run.Log.Information("wrote {Grid:l}, {Report:l}, {Folder:l}/<class>.png, {History:l} and {Archive:l} in {Run:l}",
            RunFiles.ElitesGrid, RunFiles.Report, RunFiles.ElitesFolder, RunFiles.History, RunFiles.Archive, run.Path);
    }


    /// <summary>Status line every generation; a log line at every snapshot.</summary>
    private sealed class Progress(ConsoleProgress<GenerationRecord> status, RunFolder run, int every) : IProgress<GenerationRecord>
    {
        public void Report(GenerationRecord value)
        {
            status.Report(value);
            if (value.Generation % every == 0)
            {
                run.Log.Debug("{Line:l}", SearchProgressFormat.Line(value));
            }
        }
    }
}
