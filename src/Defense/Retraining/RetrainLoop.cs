using System.Diagnostics;
using System.Text.Json;
using FoolingCluster.Attacks;
using FoolingCluster.Attacks.Gradient;
using FoolingCluster.Evolution.Genomes;
using FoolingCluster.Models.Architectures;
using FoolingCluster.Models.Checkpoints;
using FoolingCluster.Models.Configuration;
using FoolingCluster.Models.Data;
using FoolingCluster.Models.Training;
using FoolingCluster.Runs;
using FoolingCluster.Tensors;
using FoolingCluster.Tensors.Autograd;
using FoolingCluster.Tensors.NN;
using FoolingCluster.Tensors.Serialization;

namespace FoolingCluster.Defense.Retraining;

/// <summary>
/// Runs the n+1 class retraining loop into a folder with one sub-folder per network
/// (<c>network-01</c>, <c>network-02</c>, …): its weights, the search against it, the fooling
/// images chosen from that search, and its metrics. A network whose metrics.json exists is done;
/// running the loop again on the same folder picks up at the first network that is not.
/// </summary>
/// <param name="config">The loop's settings.</param>
/// <param name="search">The search run against every network.</param>
/// <param name="training">How every network is trained.</param>
/// <param name="searcher">Runs the searches (in-process or on the cluster).</param>
/// <param name="folder">The loop's run folder.</param>
/// <param name="log">Progress lines.</param>
public sealed class RetrainLoop(RetrainConfig config, EvolutionConfig search, TrainingConfig training, IFoolingSearch searcher, string folder, Action<string> log)
{
    /// <summary>The label the fooling class gets: the one after MNIST's ten digits.</summary>
    public const int FoolingClass = 10;

    private static readonly JsonSerializerOptions s_json = new(StrictJson.Options) { WriteIndented = true };

    /// <summary>The folder of network <paramref name="network"/> (1-based).</summary>
    public string NetworkFolder(int network) => Path.Combine(folder, $"network-{network:D2}");

    /// <summary>Trains, evaluates and searches every network not done yet.</summary>
    /// <param name="cancel">Stops between (and inside) steps; finished networks stay done.</param>
    /// <returns>One row per network, the first network's first.</returns>
    public IReadOnlyList<NetworkMetrics> Run(CancellationToken cancel)
    {
        ImageDataset mnist = MnistDataset.Load(config.Data, MnistSplit.Train, training.TrainSubset > 0 ? training.TrainSubset : null);
        ImageDataset test = MnistDataset.Load(config.Data, MnistSplit.Test);
        var shape = new ImageShape(mnist.Channels, mnist.Height, mnist.Width);
        var rows = new List<NetworkMetrics>();
        int last = config.Iterations + 1;
        for (int k = 1; k <= last; k++)
        {
            cancel.ThrowIfCancellationRequested();
            string dir = NetworkFolder(k);
            string metricsPath = Path.Combine(dir, NetworkMetrics.File);
            if (File.Exists(metricsPath))
            {
                rows.Add(ReadMetrics(metricsPath));
                log($"network {k}: done in an earlier run");
                continue;
            }

            Directory.CreateDirectory(dir);
            FoolingSet[] earlier = [.. Enumerable.Range(1, k - 1).Select(j => FoolingSet.Load(NetworkFolder(j), shape))];
            string modelPath = Path.Combine(dir, RunFiles.Model);
            var clock = Stopwatch.StartNew();
            if (!File.Exists(modelPath) || !File.Exists(ModelCheckpoint.SidecarPath(modelPath)))
            {
                Train(k, mnist, test, earlier, modelPath, cancel);
            }

            double trainSeconds = clock.Elapsed.TotalSeconds;
            LoadedModel model = ModelCheckpoint.Load(modelPath);
            int outputs = model.Sidecar.Classes;
            double clean = Evaluation.Evaluate(model.Model, test, outputs, cancel: CancellationToken.None).Accuracy;
            FoolingSet? previous = k > 1 ? earlier[^1] : null;
            double? rejected = previous is { HeldOutCount: > 0 } ? Rejected(model.Model, previous) : null;
            double? pgd = config.PgdImages > 0 && config.PgdEpsilon > 0 ? PgdAccuracy(model.Model, test) : null;
            log($"network {k}: clean accuracy {clean:P2}" + (rejected is double r ? $", {r:P1} of {previous!.HeldOutCount} held-out fooling images put in the fooling class" : "") + (pgd is double p ? $", PGD-{config.PgdSteps} L∞ {config.PgdEpsilon:G3} accuracy {p:P1} on {config.PgdImages} images" : ""));

            clock.Restart();
            (SavedRun run, IReadOnlyList<GenerationRecord> history) = SearchAgainst(k, modelPath, cancel);
            double searchSeconds = clock.Elapsed.TotalSeconds;
            int classes = run.Classifier.Classes;
            float[] best = new float[classes];
            foreach (EliteImage elite in run.Elites)
            {
                best[elite.Cell] = elite.Confidence;
            }

            int?[] reached = [.. Enumerable.Range(0, classes).Select(c => history.FirstOrDefault(h => h.CellConfidences[c] >= 0.9999f)?.Generation)];
            IReadOnlyList<FoundImage> found = FoundImageLog.Read(Path.Combine(run.Folder, RunFiles.Found), shape, log);
            int usable = found.Count(f => f.Confidence >= config.MinConfidence);
            if (k < last)
            {
                FoolingSet chosen = FoolingSet.Choose(found, shape, config.ImagesFor(k), config.MinConfidence, config.HeldOutFraction);
                chosen.Save(dir);
                string shortfall = chosen.TrainCount + chosen.HeldOutCount < config.ImagesFor(k) ? $" (the search recorded only {usable} at ≥ {config.MinConfidence:P2})" : "";
                log($"network {k}: {chosen.TrainCount} fooling images for training and {chosen.HeldOutCount} held out{shortfall}");
            }

            var metrics = new NetworkMetrics(k, outputs, earlier.Sum(s => s.TrainCount), clean, previous?.HeldOutCount ?? 0, rejected, pgd, best, reached, usable, trainSeconds, searchSeconds);
            WriteMetrics(metricsPath, metrics);
            rows.Add(metrics);
            log($"network {k}: evolution reached ≥ 99.99 % on {metrics.ClassesFooled}/{classes} classes (median best {metrics.MedianConfidence:P4}) in {run.Config.Generations} generations");
        }

        return rows;
    }

    private void Train(int k, ImageDataset mnist, ImageDataset test, FoolingSet[] earlier, string modelPath, CancellationToken cancel)
    {
        int outputs = k == 1 ? 10 : 11;
        TrainingConfig settings = training with { Epochs = k == 1 ? training.Epochs : config.RetrainEpochs ?? training.Epochs };
        ImageDataset data = k == 1 ? mnist : WithFoolingClass(mnist, earlier);
        Module net = Architecture.Create(settings.Model, settings.Seed, outputs);
        if (k > 1 && config.Mode == "finetune")
        {
            WeightTransfer.Copy(ModelCheckpoint.Load(Path.Combine(NetworkFolder(k - 1), RunFiles.Model)).Model, net);
        }

        log($"network {k}: training {settings.Model} with {outputs} outputs on {data.Count:N0} images ({data.Count - mnist.Count:N0} in the fooling class), {settings.Epochs} epoch{(settings.Epochs == 1 ? "" : "s")}{(k > 1 && config.Mode == "finetune" ? " from network " + (k - 1) : "")}");
        var progress = new EpochLog(k, log);
        Trainer.Train(net, settings, data, null, progress, cancel: cancel);
        double accuracy = Evaluation.Evaluate(net, test, outputs, cancel: CancellationToken.None).Accuracy;
        ModelCheckpoint.Save(net, modelPath, settings, accuracy, classes: outputs, foolingClass: outputs == 11 ? FoolingClass : null);
    }

    private (SavedRun Run, IReadOnlyList<GenerationRecord> History) SearchAgainst(int k, string modelPath, CancellationToken cancel)
    {
        string dir = Path.Combine(NetworkFolder(k), "search");
        if (Directory.Exists(dir))
        {
            // A search cut short by a crash is run again from the start; searches are short beside training.
            Directory.Delete(dir, recursive: true);
        }

        Directory.CreateDirectory(dir);
        EvolutionConfig cfg = search with
        {
            Model = Path.GetFullPath(modelPath),
            TrainConfig = "",
            Generations = config.Generations ?? search.Generations,
            RecordThreshold = Math.Min(search.RecordThreshold, config.MinConfidence),
        };
        log($"network {k}: evolving {cfg.Encoding} fooling images against it for {cfg.Generations} generations");
        if (!searcher.Run(cfg, dir, cancel))
        {
            throw new OperationCanceledException("the search was stopped");
        }

        SavedRun run = SavedRun.Load(dir);
        return (run, HistoryCsv.Read(Path.Combine(dir, RunFiles.History), cfg.Generations));
    }

    private static ImageDataset WithFoolingClass(ImageDataset mnist, FoolingSet[] sets)
    {
        int extra = sets.Sum(s => s.TrainCount);
        float[] images = new float[(mnist.Count + extra) * mnist.ImageSize];
        byte[] labels = new byte[mnist.Count + extra];
        mnist.Images.CopyTo(images, 0);
        mnist.Labels.CopyTo(labels, 0);
        int at = mnist.Count;
        foreach (FoolingSet set in sets)
        {
            FoolingSet.ToUnit(set.Train).CopyTo(images, at * mnist.ImageSize);
            labels.AsSpan(at, set.TrainCount).Fill(FoolingClass);
            at += set.TrainCount;
        }

        return new ImageDataset(images, labels, mnist.Channels, mnist.Height, mnist.Width);
    }

    private static double Rejected(Module model, FoolingSet set)
    {
        float[] images = FoolingSet.ToUnit(set.HeldOut);
        int n = set.HeldOutCount;
        using TensorScope scope = TensorScope.Begin();
        using NoGradScope noGrad = NoGradScope.Begin();
        Tensor logits = model.Forward(Tensor.Wrap(images, n, set.Shape.Channels, set.Shape.Height, set.Shape.Width));
        int k = logits.Shape[1];
        int inFoolingClass = 0;
        for (int i = 0; i < n; i++)
        {
            if (Evaluation.ArgMax(logits.Span.Slice(i * k, k)) == FoolingClass)
            {
                inFoolingClass++;
            }
        }

        return (double)inFoolingClass / n;
    }

    private double PgdAccuracy(Module model, ImageDataset test)
    {
        ImageDataset first = test.Take(Math.Min(config.PgdImages, test.Count));
        int[] labels = [.. first.Labels.Select(l => (int)l)];
        AttackResult result = new LinfPgd(config.PgdSteps).Run(new ModuleAttackModel(model), first.AsTensor(), labels, [config.PgdEpsilon]);
        return 1 - result.SuccessRate(0);
    }

    private static NetworkMetrics ReadMetrics(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<NetworkMetrics>(File.ReadAllText(path), s_json)
                ?? throw new InvalidInputException($"{path}: empty metrics");
        }
        catch (JsonException ex)
        {
            throw new InvalidInputException($"{path}: not a network's metrics ({ex.Message}); delete the file to measure that network again");
        }
    }

    private static void WriteMetrics(string path, NetworkMetrics metrics)
    {
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(metrics, s_json));
    }

    /// <summary>A log line at the end of each training epoch.</summary>
    private sealed class EpochLog(int network, Action<string> log) : IProgress<TrainingProgress>
    {
        private int _logged;

        public void Report(TrainingProgress value)
        {
            if (value.Step == value.StepsPerEpoch && value.Epoch > _logged)
            {
                _logged = value.Epoch;
                log($"network {network}: epoch {value.Epoch}/{value.Epochs}, loss {value.Loss:F4}, training accuracy {value.TrainAccuracy:P2}");
            }
        }
    }
}
