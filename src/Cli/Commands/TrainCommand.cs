using System.CommandLine;
using System.Globalization;
using System.Text;
using FoolingCluster.Cli.Output;
using FoolingCluster.Defense.Adversarial;
using FoolingCluster.Models.Architectures;
using FoolingCluster.Models.Checkpoints;
using FoolingCluster.Models.Configuration;
using FoolingCluster.Models.Data;
using FoolingCluster.Models.Training;
using FoolingCluster.Tensors;
using FoolingCluster.Tensors.NN;
using FoolingCluster.Tensors.Serialization;

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
        var overwrite = new Option<bool>("--overwrite") { Description = "replace an existing --out weights file and its sidecar" };
        var runs = new Option<string>("--runs") { Description = "folder that receives the run folder with log and history", DefaultValueFactory = _ => "runs" };
        var threads = CommonOptions.Threads();
        var adversarial = new Option<string?>("--adversarial") { Description = $"adversarial training: {string.Join(", ", AdversarialSettings.Methods)} (fgsm: Goodfellow et al. 2015, α = 0.5; pgd: Madry et al. 2018, random start, α = 0)" };
        var eps = new Option<float?>("--eps") { Description = "L∞ radius of the training attack, in [0,1] pixel units (needs --adversarial)" };
        var alpha = new Option<float?>("--alpha") { Description = "weight of the clean loss in α·CE(x) + (1−α)·CE(x_adv) (default 0.5 for fgsm, 0 for pgd)" };
        var attackSteps = new Option<int?>("--attack-steps") { Description = "PGD steps per batch (default 40)" };
        var attackStepSize = new Option<float?>("--attack-step-size") { Description = "PGD step length (default 2.5·ε/steps)" };

        var command = new Command("train", "Train a classifier on MNIST with live progress; saves weights (safetensors) and a JSON sidecar.")
        {
            config, model, epochs, seed, batchSize, lr, subset, data, output, overwrite, runs, threads,
            adversarial, eps, alpha, attackSteps, attackStepSize,
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
                Adversarial = AdversarialOptions.Merge(
                    cfg.Adversarial, parse.GetValue(adversarial), parse.GetValue(eps), parse.GetValue(alpha), parse.GetValue(attackSteps), parse.GetValue(attackStepSize)),
            };
            if (configPath is null && parse.GetValue(output) is null && cfg.Adversarial.IsAdversarial)
            {
                // Never let an adversarial run overwrite the standard model by default.
                cfg = cfg with { Out = $"models/{cfg.Model}-{cfg.Adversarial.Method}.safetensors" };
            }

            cfg.Validate(configPath ?? "command line");
            return Task.FromResult(Run(cfg, parse.GetValue(runs)!, parse.InvocationConfiguration.Output, cancel, parse.GetValue(overwrite)));
        });
        return command;
    }

    /// <summary>Trains the classifier <paramref name="cfg"/> describes into <see cref="TrainingConfig.Out"/>, refusing to replace a model there unless <paramref name="overwrite"/>.</summary>
    internal static int Run(TrainingConfig cfg, string runsRoot, TextWriter console, CancellationToken cancel, bool overwrite = false)
    {
        OutputLocation.RequireExtension(cfg.Out, "--out", ".safetensors", $"the weights are written as safetensors, their sidecar as {ModelCheckpoint.SidecarPath(cfg.Out)}");
        OutputLocation.RequireNewFile(cfg.Out, "--out", overwrite, ModelCheckpoint.SidecarPath(cfg.Out));
        ImageDataset train = MnistDataset.Load(cfg.Data, MnistSplit.Train, cfg.TrainSubset > 0 ? cfg.TrainSubset : null);
        ImageDataset test = MnistDataset.Load(cfg.Data, MnistSplit.Test);
        using RunFolder run = RunFolder.Create(runsRoot, "train", cfg.Model, console);
        AtomicFile.WriteAllText(run.File("config.json"), StrictJson.Serialize(cfg));
        run.Log.Information("training {Model:l} on {Count} MNIST images for {Epochs} epochs (seed {Seed}, batch {Batch}, {Threads} threads); run folder {Run:l}",
            cfg.Model, train.Count, cfg.Epochs, cfg.Seed, cfg.BatchSize, Engine.Threads, run.Path);
        if (cfg.Adversarial.IsAdversarial)
        {
            run.Log.Information("adversarial training: {Method:l}; robust accuracy after each epoch on the first {Probe} test images under the same attack",
                cfg.Adversarial.Describe(), Math.Min(cfg.Adversarial.ProbeImages, test.Count));
        }

        Module net = Architecture.Create(cfg.Model, cfg.Seed);
        var progress = new ConsoleProgress<TrainingProgress>(console, FormatProgress, ConsoleProgress<TrainingProgress>.ConsoleIsInteractive);
        IReadOnlyList<EpochRecord> history;
        string? lastCheckpoint = null;
        var finished = new List<EpochRecord>();
        TrainingHooks hooks = AdversarialTraining.Hooks(cfg, test, (model, record) =>
        {
            // A long run stopped early still leaves every finished epoch's model and its curve behind.
            lastCheckpoint = run.File(Path.Combine("checkpoints", $"epoch-{record.Epoch}.safetensors"));
            ModelCheckpoint.Save(model, lastCheckpoint, cfg, record.TestAccuracy, record.Epoch);
            finished.Add(record);
            WriteHistory(run.File("history.csv"), finished);
        });
        using var ctrlC = new CtrlCHandler(cancel);
        try
        {
            history = Trainer.Train(net, cfg, train, test, new EpochLogger(progress, run), hooks, ctrlC.Token);
        }
        catch (OperationCanceledException)
        {
            progress.Finish();
            run.Log.Warning(lastCheckpoint is null
                ? "stopped before the first epoch finished; nothing was saved"
                : $"stopped before training finished; the last finished epoch is saved as {lastCheckpoint}");
            return FoolingApp.Interrupted;
        }
        catch (TrainingDivergedException ex)
        {
            progress.Finish();
            throw new InvalidInputException($"{ex.Message}; nothing was saved as {cfg.Out}" + (lastCheckpoint is null ? string.Empty : $" (the last finished epoch is {lastCheckpoint})"), ex);
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
        var csv = new StringBuilder("epoch,loss,train_accuracy,test_accuracy,robust_accuracy,seconds,images_per_second\n");
        foreach (EpochRecord r in history)
        {
            csv.AppendLine(string.Create(CultureInfo.InvariantCulture, $"{r.Epoch},{r.Loss:G6},{r.TrainAccuracy:G6},{r.TestAccuracy:G6},{r.RobustAccuracy:G6},{r.Seconds:F2},{r.ImagesPerSecond:F0}"));
        }

        AtomicFile.WriteAllText(path, csv.ToString());
    }

    /// <summary>Passes step reports to the status line and logs each finished epoch.</summary>
    private sealed class EpochLogger(ConsoleProgress<TrainingProgress> status, RunFolder run) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value)
        {
            if (value.TestAccuracy is double test && value.RobustAccuracy is double robust)
            {
                status.Finish();
                run.Log.Information("epoch {Epoch}/{Epochs}: loss {Loss:F4}, train accuracy {Train:P2} (on adversarial examples), test accuracy {Test:P2}, robust accuracy {Robust:P2}, {Rate:N0} images/s",
                    value.Epoch, value.Epochs, value.Loss, value.TrainAccuracy, test, robust, value.ImagesPerSecond);
            }
            else if (value.TestAccuracy is double clean)
            {
                status.Finish();
                run.Log.Information("epoch {Epoch}/{Epochs}: loss {Loss:F4}, train accuracy {Train:P2}, test accuracy {Test:P2}, {Rate:N0} images/s",
                    value.Epoch, value.Epochs, value.Loss, value.TrainAccuracy, clean, value.ImagesPerSecond);
            }
            else
            {
                status.Report(value);
            }
        }
    }
}
