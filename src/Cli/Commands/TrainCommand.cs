using System.CommandLine;
using System.Globalization;
using System.Text;
using FoolingCluster.Cli.Output;
using FoolingCluster.Models.Architectures;
using FoolingCluster.Models.Checkpoints;
using FoolingCluster.Models.Configuration;
using FoolingCluster.Models.Data;
using FoolingCluster.Models.Training;
using FoolingCluster.Tensors;
using FoolingCluster.Tensors.NN;

namespace FoolingCluster.Cli.Commands;

/// <summary><c>fooling train</c>: trains a classifier on MNIST and saves it with its sidecar.</summary>
internal static class TrainCommand
{
    public static Command Build()
    {
        var config = new Option<string?>("--config") { Description = "JSON training configuration (see config/train-lenet.json); options below override it" };
        var model = new Option<string?>("--model") { Description = $"architecture: {string.Join(", ", Architecture.Names)}" };
        var epochs = new Option<int?>("--epochs") { Description = "passes over the training set" };
        var seed = new Option<int?>("--seed") { Description = "seed of initialisation and batch order" };
        var batchSize = new Option<int?>("--batch-size") { Description = "images per SGD step" };
        var lr = new Option<float?>("--lr") { Description = "base learning rate" };
        var subset = new Option<int?>("--train-subset") { Description = "train on the first N images only" };
        var data = new Option<string?>("--data") { Description = "folder with the MNIST idx files (default data/mnist)" };
        var output = new Option<string?>("--out") { Description = "weights file to write (.safetensors); the sidecar .json goes next to it" };
        var runs = new Option<string>("--runs") { Description = "folder that receives the run folder with log and history", DefaultValueFactory = _ => "runs" };
        var threads = CommonOptions.Threads();

        var command = new Command("train", "Train a classifier on MNIST with live progress; saves weights (safetensors) and a JSON sidecar.")
        {
            config, model, epochs, seed, batchSize, lr, subset, data, output, runs, threads,
        };
        command.SetAction((parse, cancel) =>
        {
            CommonOptions.ApplyThreads(parse.GetValue(threads));
            string? configPath = parse.GetValue(config);
            TrainingConfig cfg = configPath is null ? new TrainingConfig() : StrictJson.Read<TrainingConfig>(configPath);
            cfg = cfg with
            {
                Model = parse.GetValue(model) ?? cfg.Model,
                Epochs = parse.GetValue(epochs) ?? cfg.Epochs,
                Seed = parse.GetValue(seed) ?? cfg.Seed,
                BatchSize = parse.GetValue(batchSize) ?? cfg.BatchSize,
                LearningRate = parse.GetValue(lr) ?? cfg.LearningRate,
                TrainSubset = parse.GetValue(subset) ?? cfg.TrainSubset,
                Data = parse.GetValue(data) ?? cfg.Data,
                Out = parse.GetValue(output) ?? cfg.Out,
            };
            cfg.Validate(configPath ?? "command line");
            return Task.FromResult(Run(cfg, parse.GetValue(runs)!, parse.InvocationConfiguration.Output, cancel));
        });
        return command;
    }

    internal static int Run(TrainingConfig cfg, string runsRoot, TextWriter console, CancellationToken cancel)
    {
        ImageDataset train = MnistDataset.Load(cfg.Data, MnistSplit.Train, cfg.TrainSubset > 0 ? cfg.TrainSubset : null);
        ImageDataset test = MnistDataset.Load(cfg.Data, MnistSplit.Test);
        using RunFolder run = RunFolder.Create(runsRoot, "train", cfg.Model, console);
        File.WriteAllText(run.File("config.json"), StrictJson.Serialize(cfg));
        run.Log.Information("training {Model:l} on {Count} MNIST images for {Epochs} epochs (seed {Seed}, batch {Batch}, {Threads} threads); run folder {Run:l}",
            cfg.Model, train.Count, cfg.Epochs, cfg.Seed, cfg.BatchSize, Engine.Threads, run.Path);

        Module net = Architecture.Create(cfg.Model, cfg.Seed);
        var progress = new ConsoleProgress<TrainingProgress>(console, FormatProgress, ConsoleProgress<TrainingProgress>.ConsoleIsInteractive);
        IReadOnlyList<EpochRecord> history;
        using var ctrlC = new CtrlCHandler(cancel);
        try
        {
            history = Trainer.Train(net, cfg, train, test, new EpochLogger(progress, run), ctrlC.Token);
        }
        catch (OperationCanceledException)
        {
            progress.Finish();
            run.Log.Warning("stopped before training finished; nothing was saved");
            return FoolingApp.Failure;
        }

        progress.Finish();
        WriteHistory(run.File("history.csv"), history);
        EvaluationResult result = Evaluation.Evaluate(net, test);
        ModelCheckpoint.Save(net, cfg.Out, cfg, result.Accuracy);
        run.Log.Information("test accuracy {Accuracy:P2} ({Correct}/{Count}); saved {Weights:l} and {Sidecar:l}",
            result.Accuracy, result.Correct, result.Count, cfg.Out, ModelCheckpoint.SidecarPath(cfg.Out));
        return FoolingApp.Success;
    }

    private static string FormatProgress(TrainingProgress p) =>
        string.Create(CultureInfo.InvariantCulture, $"epoch {p.Epoch}/{p.Epochs}  step {p.Step}/{p.StepsPerEpoch}  loss {p.Loss:F4}  train acc {p.TrainAccuracy:P2}  {p.ImagesPerSecond:N0} images/s  lr {p.LearningRate:G3}");

    private static void WriteHistory(string path, IReadOnlyList<EpochRecord> history)
    {
        var csv = new StringBuilder("epoch,loss,train_accuracy,test_accuracy,seconds,images_per_second\n");
        foreach (EpochRecord r in history)
        {
            csv.AppendLine(string.Create(CultureInfo.InvariantCulture, $"{r.Epoch},{r.Loss:G6},{r.TrainAccuracy:G6},{r.TestAccuracy:G6},{r.Seconds:F2},{r.ImagesPerSecond:F0}"));
        }

        File.WriteAllText(path, csv.ToString());
    }

    /// <summary>Passes step reports to the status line and logs each finished epoch.</summary>
    private sealed class EpochLogger(ConsoleProgress<TrainingProgress> status, RunFolder run) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value)
        {
            if (value.TestAccuracy is double test)
            {
                status.Finish();
                run.Log.Information("epoch {Epoch}/{Epochs}: loss {Loss:F4}, train accuracy {Train:P2}, test accuracy {Test:P2}, {Rate:N0} images/s",
                    value.Epoch, value.Epochs, value.Loss, value.TrainAccuracy, test, value.ImagesPerSecond);
            }
            else
            {
                status.Report(value);
            }
        }
    }
}
