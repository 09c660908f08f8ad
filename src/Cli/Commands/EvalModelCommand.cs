using System.CommandLine;
using FoolingCluster.Cli.ModelFiles;
using System.Globalization;
using System.Text;
using FoolingCluster.Models.Checkpoints;
using FoolingCluster.Models.Data;
using FoolingCluster.Models.Training;

namespace FoolingCluster.Cli.Commands;

/// <summary><c>fooling eval-model</c>: test accuracy and confusion matrix of a saved classifier.</summary>
internal static class EvalModelCommand
{
    public static Command Build()
    {
        var model = new Option<string>("--model") { Description = "the model: weights (.safetensors, with its .json sidecar or of a built-in architecture) or an ONNX classifier (.onnx)", Required = true };
        var data = new Option<string>("--data") { Description = "folder with the MNIST idx files", DefaultValueFactory = _ => MnistDataset.DefaultDirectory };
        var n = new Option<int?>("--n") { Description = "evaluate the first N test images only" };
        var threads = CommonOptions.Threads();
        var backend = ModelLoading.BackendOption();
        var command = new Command("eval-model", "Print a saved classifier's MNIST test accuracy and confusion matrix.") { model, data, n, threads, backend };
        command.SetAction(parse =>
        {
            CommonOptions.ApplyThreads(parse.GetValue(threads));
            int? limit = parse.GetValue(n);
            if (limit is < 1)
            {
                throw new Tensors.InvalidInputException($"--n must be at least 1 (got {limit})");
            }

            TextWriter console = parse.InvocationConfiguration.Output;
            LoadedModel loaded = ModelLoading.Load(parse.GetValue(model)!, ModelLoading.Backend(parse.GetValue(backend)), console);
            ModelLoading.RequireMnist(loaded, "eval-model");
            ImageDataset test = MnistDataset.Load(parse.GetValue(data)!, MnistSplit.Test, limit);
            EvaluationResult result;
            using (var ctrlC = new CtrlCHandler(CancellationToken.None))
            {
                console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"evaluating on {test.Count:N0} test images (Ctrl-C stops it with the accuracy so far)"));
                int batch = EvaluationProgress.BatchSize(loaded.Model);
                var progress = new EvaluationProgress(console, test.Count);
                result = Evaluation.Evaluate(loaded.Model, test, loaded.Sidecar.Classes, batch, progress, ctrlC.Token);
            }

            bool stopped = result.Count < test.Count;
            if (stopped && result.Count == 0)
            {
                console.WriteLine("stopped before the first batch was evaluated; no accuracy to give");
                return FoolingApp.Interrupted;
            }

            if (stopped)
            {
                console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"stopped after {result.Count:N0} of {test.Count:N0} images: every figure below is partial, over those {result.Count:N0} only"));
            }

            console.WriteLine(Report(loaded, result, [.. test.Labels.Take(result.Count).Select(l => (int)l)], stopped ? test.Count : null));
            return stopped ? FoolingApp.Interrupted : FoolingApp.Success;
        });
        return command;
    }

    /// <summary>The training method as the sidecar records it, with the attack of adversarial training.</summary>
    private static string Method(TrainingDetails training) => training.Adversarial is AdversarialDetails a
        ? string.Create(CultureInfo.InvariantCulture,
            $"{training.Method} adversarial training (L∞ ε = {a.Epsilon:G4}, α = {a.Alpha:G4}, {a.Steps} step{(a.Steps == 1 ? "" : "s")} of {a.StepSize:G4}{(a.RandomStart ? ", random start" : "")})")
        : training.Method;

    /// <summary>Accuracy, the sidecar's recorded accuracy beside it, and the confusion matrix.</summary>
    /// <param name="requested">The images asked for when a stop left <paramref name="result"/> partial; null when it covers them all.</param>
    internal static string Report(LoadedModel loaded, EvaluationResult result, int[] labels, int? requested = null)
    {
        var text = new StringBuilder();
        CultureInfo inv = CultureInfo.InvariantCulture;
        text.AppendLine(string.Create(inv, $"model: {loaded.Path} ({loaded.Sidecar.Architecture}, {loaded.Model.ParameterCount():N0} parameters)"));
        string partial = requested is int m ? string.Create(inv, $" (partial: the first {result.Count:N0} of {m:N0} images)") : "";
        text.AppendLine(string.Create(inv, $"test accuracy{partial}: {result.Accuracy:P2} ({result.Correct}/{result.Count}), error {1 - result.Accuracy:P2}"));
        if (loaded.Sidecar.TestAccuracy is double recorded)
        {
            text.AppendLine(string.Create(inv, $"accuracy recorded in the sidecar: {recorded:P2}"));
        }

        if (loaded.Sidecar.Training is TrainingDetails training)
        {
            text.AppendLine(string.Create(inv, $"training: {Method(training)}, {training.Epochs} epochs, batch {training.BatchSize}, {training.Optimiser}, lr {training.LearningRate:G4}, seed {training.Seed}"));
        }

        int k = result.Confusion.GetLength(0);
        text.AppendLine(ConfidenceLine(result, labels, null, "confidence on the correctly classified images"));
        for (int c = 0; c < k; c++)
        {
            text.AppendLine(ConfidenceLine(result, labels, c, string.Create(inv, $"  class {c}")));
        }

        text.AppendLine("confusion matrix (rows: true class, columns: predicted class):");
        text.Append("      ");
        for (int j = 0; j < k; j++)
        {
            text.Append(string.Create(inv, $"{j,6}"));
        }

        text.AppendLine();
        for (int i = 0; i < k; i++)
        {
            text.Append(string.Create(inv, $"{i,6}"));
            for (int j = 0; j < k; j++)
            {
                text.Append(string.Create(inv, $"{result.Confusion[i, j],6}"));
            }

            text.AppendLine();
        }

        return text.ToString();
    }

    /// <summary>Median and largest softmax confidence of the correctly classified images (of one true class, or all).</summary>
    private static string ConfidenceLine(EvaluationResult result, int[] labels, int? trueClass, string label)
    {
        float[] confidences = result.CorrectConfidences(labels, trueClass);
        if (confidences.Length == 0)
        {
            return $"{label}: none";
        }

        Array.Sort(confidences);
        return string.Create(CultureInfo.InvariantCulture, $"{label}: median {confidences[confidences.Length / 2]:P3}, largest {confidences[^1]:P4} ({confidences.Length} images)");
    }
}
