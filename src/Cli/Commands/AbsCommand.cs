using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using FoolingCluster.Cli.Output;
using FoolingCluster.Coordinator.Abs;
using FoolingCluster.Coordinator.Sharding;
using FoolingCluster.Hosting.Nodes;
using FoolingCluster.Hosting.Runs;
using FoolingCluster.Models.Abs;
using FoolingCluster.Models.Configuration;
using FoolingCluster.Models.Data;
using FoolingCluster.Tensors;
using FoolingCluster.Tensors.Serialization;

namespace FoolingCluster.Cli.Commands;

/// <summary><c>fooling abs train</c>: trains the ten class VAEs of the ABS model into a folder, here or on cluster workers.</summary>
internal static class AbsCommand
{
    public static Command Build()
    {
        var defaults = new AbsTrainingConfig();
        var output = new Option<string>("--out") { Description = "folder that receives vae-0 … vae-9.safetensors, abs.json and abs-binary.json", DefaultValueFactory = _ => defaults.Out };
        var epochs = new Option<int>("--epochs") { Description = "passes over each class's training images", DefaultValueFactory = _ => defaults.Epochs };
        var seed = new Option<int>("--seed") { Description = "seed of initialisation, batch order and noise (class c uses seed + c)", DefaultValueFactory = _ => defaults.Seed };
        var batchSize = new Option<int>("--batch-size") { Description = "images per Adam step", DefaultValueFactory = _ => defaults.BatchSize };
        var lr = new Option<float>("--lr") { Description = "Adam's learning rate", DefaultValueFactory = _ => defaults.LearningRate };
        var beta = new Option<float>("--beta") { Description = "weight of the KL term of the ELBO", DefaultValueFactory = _ => defaults.Beta };
        var subset = new Option<int>("--train-subset") { Description = "train on the first N training images only (0: all)" };
        var resume = new Option<bool>("--resume") { Description = "continue training the VAEs already in --out (a finished model or an interrupted run's checkpoints) for --epochs more" };
        var overwrite = new Option<bool>("--overwrite") { Description = "train afresh into a non-empty --out, replacing the VAEs and sidecars there" };
        var sequential = new Option<bool>("--sequential") { Description = "train the VAEs one after another with multithreaded kernels instead of one per core" };
        var data = new Option<string>("--data") { Description = "folder with the MNIST idx files", DefaultValueFactory = _ => MnistDataset.DefaultDirectory };
        var runs = new Option<string>("--runs") { Description = "folder that receives the run folder with the log", DefaultValueFactory = _ => "runs" };
        var threads = CommonOptions.Threads();
        var clusterAddress = new Option<string?>("--cluster") { Description = "HOST:PORT to listen on for workers (e.g. 127.0.0.1:4053; `fooling worker --join` it): train the ten VAEs on them, one class per job, instead of here" };
        var insecure = ClusterOptions.Insecure();
        var tls = ClusterOptions.Tls();
        var train = new Command("train", "Train the ABS model's ten class-conditional VAEs on MNIST (Schott et al. 2019), all classes at once on all cores with a checkpoint per epoch, or one class per worker with --cluster.")
        {
            output, epochs, seed, batchSize, lr, beta, subset, resume, overwrite, sequential, data, runs, threads, clusterAddress, insecure, tls,
        };
        train.SetAction(async (parse, cancel) =>
        {
            CommonOptions.ApplyThreads(parse.GetValue(threads));
            var cfg = new AbsTrainingConfig
            {
                Out = parse.GetValue(output)!,
                Epochs = parse.GetValue(epochs),
                Seed = parse.GetValue(seed),
                BatchSize = parse.GetValue(batchSize),
                LearningRate = parse.GetValue(lr),
                Beta = parse.GetValue(beta),
                TrainSubset = parse.GetValue(subset),
                ParallelClasses = !parse.GetValue(sequential),
                Data = parse.GetValue(data)!,
            };
            cfg.Validate("command line");
            if (!parse.GetValue(resume))
            {
                // Trained VAEs are hours of work: a fresh training never replaces them unasked.
                OutputLocation.RequireFreshFolder(cfg.Out, "--out", parse.GetValue(overwrite));
            }

            NodeSettings? cluster = parse.GetValue(clusterAddress) is string address ? ClusterOptions.Node(address, null, parse.GetValue(insecure), anyPort: false, parse.GetValue(tls)) : null;
            if (cluster is null)
            {
                return Train(cfg, parse.GetValue(runs)!, parse.InvocationConfiguration.Output, cancel, parse.GetValue(resume));
            }

            if (!cfg.ParallelClasses)
            {
                throw new InvalidInputException("--sequential says how this machine trains the VAEs; with --cluster each worker trains one at a time with its own --threads, so leave one of the two out");
            }

            return await TrainOnWorkersAsync(cfg, cluster, parse.GetValue(runs)!, parse.InvocationConfiguration.Output, cancel, parse.GetValue(resume)).ConfigureAwait(false);
        });
        return new Command("abs", "The Analysis-by-Synthesis model (Schott et al., ICLR 2019): one VAE per class, classification by ELBO. Evaluate it with `fooling eval-model --model FOLDER`.") { train, AbsPackCommand.Build() };
    }

    internal static int Train(AbsTrainingConfig cfg, string runsRoot, TextWriter console, CancellationToken cancel, bool resume = false)
    {
        (ImageDataset train, ClassVae[]? start, int earlierEpochs, double earlierSeconds, RunFolder opened) = Begin(cfg, runsRoot, console, resume);
        using RunFolder run = opened;

        run.Log.Information("training the ABS model's 10 VAEs on {Count} MNIST images for {Epochs} epochs ({Mode:l}, {Threads} threads, seed {Seed}, batch {Batch}, Adam lr {Lr}, beta {Beta}); checkpoints in {Out:l}, run folder {Run:l}",
            train.Count, cfg.Epochs, cfg.ParallelClasses ? "one VAE per core" : "one VAE at a time", Engine.Threads, cfg.Seed, cfg.BatchSize, cfg.LearningRate, cfg.Beta, cfg.Out, run.Path);
        var reporter = new Reporter(run, cfg.Epochs);
        using var ctrlC = new CtrlCHandler(cancel);
        var clock = Stopwatch.StartNew();
        ClassVaeRecord[] records;
        try
        {
            (_, records) = AbsTrainer.Train(cfg, train, (digit, epoch, vae) => AbsCheckpoint.SaveVae(cfg.Out, digit, vae, earlierEpochs + epoch), reporter, start, ctrlC.Token);
        }
        catch (OperationCanceledException)
        {
            reporter.Finish();
            run.Log.Warning("stopped before training finished; the VAEs in {Out:l} are the last finished epochs' checkpoints and the folder has no sidecar yet", cfg.Out);
            return FoolingApp.Interrupted;
        }

        reporter.Finish();
        Finish(run, cfg, records, null, earlierEpochs, earlierSeconds + clock.Elapsed.TotalSeconds, clock.Elapsed.TotalSeconds, resume ? ContinuedNote(cfg) : "");
        return FoolingApp.Success;
    }

    /// <summary>
    /// What both ways of training start with: the training images, the VAEs to continue (with
    /// the epochs and seconds they record) if resuming, and the run folder with the configuration.
    /// </summary>
    private static (ImageDataset Train, ClassVae[]? Start, int EarlierEpochs, double EarlierSeconds, RunFolder Run) Begin(AbsTrainingConfig cfg, string runsRoot, TextWriter console, bool resume)
    {
        OutputLocation.RequireWritableFolder(cfg.Out, "--out");
        ImageDataset train = MnistDataset.Load(cfg.Data, MnistSplit.Train, cfg.TrainSubset > 0 ? cfg.TrainSubset : null);
        (ClassVae[]? start, int earlierEpochs, double earlierSeconds) = resume ? AbsCheckpoint.LoadVaes(cfg.Out) : (null, 0, 0);
        RunFolder run = RunFolder.Create(runsRoot, "train", "abs", console);
        AtomicFile.WriteAllText(run.File("config.json"), StrictJson.Serialize(cfg));
        if (start is not null)
        {
            run.Log.Information("continuing the VAEs in {Out:l}, trained for {Earlier} epochs so far", cfg.Out, earlierEpochs);
        }

        return (train, start, earlierEpochs, earlierSeconds, run);
    }

    /// <summary>
    /// Trains the ten VAEs on the workers of <paramref name="cluster"/>, one class per job, writing
    /// each class's VAE into <see cref="AbsTrainingConfig.Out"/> once it has passed its checks and
    /// the sidecars once all ten have.
    /// </summary>
    internal static async Task<int> TrainOnWorkersAsync(AbsTrainingConfig cfg, NodeSettings cluster, string runsRoot, TextWriter console, CancellationToken cancel, bool resume = false)
    {
        (ImageDataset train, ClassVae[]? start, int earlierEpochs, double earlierSeconds, RunFolder opened) = Begin(cfg, runsRoot, console, resume);
        using RunFolder run = opened;

        void Warn(string line) => run.Log.Warning("{Line:l}", line);
        using var ctrlC = new CtrlCHandler(cancel);
        var clock = Stopwatch.StartNew();
        run.Log.Information("starting the cluster node at {Address:l}", cluster.Listen.ToString());
        void Started(string workerCommand) =>
            run.Log.Information("training the ABS model's 10 VAEs on workers, one class per job, on {Count} MNIST images for {Epochs} epochs (seed {Seed}, batch {Batch}, Adam lr {Lr}, beta {Beta}); VAEs in {Out:l}, run folder {Run:l}; start workers with: {Worker:l} (one per core: a VAE trains fastest on one thread)",
                train.Count, cfg.Epochs, cfg.Seed, cfg.BatchSize, cfg.LearningRate, cfg.Beta, cfg.Out, run.Path, workerCommand);
        void Accept(ShardAccepted<TrainedVae> accepted)
        {
            TrainedVae vae = accepted.Result;
            AbsCheckpoint.SaveVae(cfg.Out, vae.Digit, vae.Vae, earlierEpochs + vae.Epochs);
            run.Log.Information("[{Done}/{Total}] class {Digit} trained on worker {Worker:l} in {Seconds:F1} s: loss {Loss:l} by epoch, last epoch reconstruction {Rec:F2}, KL {Kl:F2}; wrote {File:l}",
                accepted.Done, accepted.Total, vae.Digit, vae.WorkerId, vae.Seconds, string.Join(", ", vae.EpochLoss.Select(l => l.ToString("F2", CultureInfo.InvariantCulture))), vae.Reconstruction, vae.Kl, AbsCheckpoint.VaePath(cfg.Out, vae.Digit));
        }

        TrainedVae[] vaes;
        int refused;
        try
        {
            (vaes, refused) = await ShardedJobHost.TrainAbsAsync(cluster, ClusterOptions.JoinTimeout(), run.Id, cfg, train, start, Started, Accept, Warn, ctrlC.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ctrlC.Token.IsCancellationRequested)
        {
            run.Log.Warning("stopped before all 10 VAEs came back; {Out:l} holds the classes accepted so far and no sidecar yet", cfg.Out);
            return FoolingApp.Interrupted;
        }

        if (refused > 0)
        {
            run.Log.Warning("{Refused} results were refused and their classes trained again", refused);
        }

        ClassVaeRecord[] records = [.. vaes.Select(v => new ClassVaeRecord(v.Digit, train.Labels.Count(l => l == v.Digit), v.EpochLoss[^1], v.Reconstruction, v.Kl, v.Seconds))];
        string[] workers = [.. vaes.Select(v => v.WorkerId).Distinct().Order(StringComparer.Ordinal)];
        string onWorkers = $"on cluster workers ({string.Join(", ", workers)}), one class per job";
        string note = resume ? $"{ContinuedNote(cfg)} {onWorkers}" : $"; trained {onWorkers}";
        Finish(run, cfg, records, [.. vaes.Select(v => v.WorkerId)], earlierEpochs, earlierSeconds + clock.Elapsed.TotalSeconds, clock.Elapsed.TotalSeconds, note);
        return FoolingApp.Success;
    }

    private static string ContinuedNote(AbsTrainingConfig cfg) =>
        string.Create(CultureInfo.InvariantCulture, $"; the last {cfg.Epochs} epochs continued at lr {cfg.LearningRate}");

    /// <summary>Writes the sidecars and the run's vaes.csv, and says where the model is.</summary>
    private static void Finish(RunFolder run, AbsTrainingConfig cfg, ClassVaeRecord[] records, string[]? workers, int earlierEpochs, double totalSeconds, double seconds, string methodNote)
    {
        AbsCheckpoint.SaveSidecars(cfg.Out, cfg with { Epochs = earlierEpochs + cfg.Epochs }, new AbsSettings(), totalSeconds, methodNote);
        var table = new StringBuilder(workers is null ? "class,images,loss,reconstruction,kl,seconds\n" : "class,images,loss,reconstruction,kl,seconds,worker\n");
        foreach (ClassVaeRecord r in records)
        {
            string line = string.Create(CultureInfo.InvariantCulture, $"{r.Digit},{r.Images},{r.Loss:G6},{r.Reconstruction:G6},{r.Kl:G6},{r.Seconds:F1}");
            table.AppendLine(workers is null ? line : $"{line},{workers[r.Digit]}");
        }

        AtomicFile.WriteAllText(run.File("vaes.csv"), table.ToString());
        run.Log.Information("trained the 10 VAEs in {Seconds:F1} s; saved {Out:l} ({Sidecar:l} for ABS, {Binary:l} for binary ABS); evaluate with `./fooling eval-model --model {Out:l} --n 500`",
            seconds, cfg.Out, AbsCheckpoint.SidecarName, AbsCheckpoint.BinarySidecarName, cfg.Out);
    }

    /// <summary>
    /// Keeps every VAE's latest report: a status line over all of them, and a log line whenever
    /// one finishes an epoch. Reports arrive from several threads.
    /// </summary>
    private sealed class Reporter(RunFolder run, int epochs) : IProgress<AbsTrainingProgress>
    {
        private readonly object _gate = new();
        private readonly AbsTrainingProgress?[] _latest = new AbsTrainingProgress?[AbsModel.Classes];
        private readonly ConsoleProgress<string> _status = new(run.Console, s => s, ConsoleProgress<string>.ConsoleIsInteractive);

        public void Report(AbsTrainingProgress value)
        {
            lock (_gate)
            {
                _latest[value.Digit] = value;
                if (value.EpochDone)
                {
                    _status.Finish();
                    run.Log.Information("class {Digit} epoch {Epoch}/{Epochs}: loss {Loss:F2} (reconstruction {Rec:F2}, KL {Kl:F2}), {Rate:N0} images/s; checkpoint written",
                        value.Digit, value.Epoch, value.Epochs, value.Loss, value.Reconstruction, value.Kl, value.ImagesPerSecond);
                }
                else
                {
                    _status.Report(Status());
                }
            }
        }

        public void Finish() => _status.Finish();

        private string Status()
        {
            double done = 0;
            double rate = 0;
            foreach (AbsTrainingProgress? p in _latest)
            {
                if (p is not null)
                {
                    done += p.Epoch - 1 + ((double)p.Step / Math.Max(1, p.StepsPerEpoch));
                    rate += p.EpochDone ? 0 : p.ImagesPerSecond;
                }
            }

            return string.Create(CultureInfo.InvariantCulture, $"ABS training: {done / (epochs * AbsModel.Classes):P0} of {AbsModel.Classes} VAEs × {epochs} epochs, {rate:N0} images/s");
        }
    }
}
