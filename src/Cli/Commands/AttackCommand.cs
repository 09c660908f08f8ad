using System.CommandLine;
using FoolingCluster.Cli.ModelFiles;
using System.Globalization;
using FoolingCluster.Attacks;
using FoolingCluster.Attacks.Reporting;
using FoolingCluster.Cli.Output;
using FoolingCluster.Models.Checkpoints;
using FoolingCluster.Models.Data;
using FoolingCluster.Tensors;
using FoolingCluster.Tensors.Serialization;

namespace FoolingCluster.Cli.Commands;

/// <summary>
/// <c>fooling attack</c>: one gradient attack on one model over the first N MNIST test images,
/// leaving the images, a grid and a summary in a folder.
/// </summary>
internal static class AttackCommand
{
    public static Command Build()
    {
        var model = new Option<string>("--model") { Description = "the model: weights (.safetensors, with its .json sidecar or of a built-in architecture) or an ONNX classifier (.onnx)", Required = true };
        var attack = new Option<string>("--attack") { Description = $"attack, one of: {string.Join("; ", AttackCatalog.Summaries())}", Required = true };
        var norm = new Option<string?>("--norm") { Description = $"norm: {string.Join(", ", AttackCatalog.Norms)} (default: the attack's first)" };
        var eps = new Option<float?>("--eps") { Description = "radius ε of the ball around each image (pixels in [0,1]); for the attacks that need one" };
        var steps = new Option<int?>("--steps") { Description = "steps of an iterative attack (default: each attack's own, as listed under --attack)" };
        var target = new Option<int?>("--target") { Description = "attack towards this class instead of away from the true one" };
        var n = new Option<int?>("--n") { Description = "attack the first N test images (default: all)" };
        var data = new Option<string>("--data") { Description = "folder with the MNIST idx files", DefaultValueFactory = _ => MnistDataset.DefaultDirectory };
        var output = new Option<string>("--out") { Description = "folder for adversarial-images.idx3, original-images.idx3, labels.idx1, predictions.csv, grid.png and summary.md", Required = true };
        var seed = new Option<int>("--seed") { Description = "seed of randomised attacks (pgd's random start, noise, Boundary, Pointwise)", DefaultValueFactory = _ => 0 };
        var batch = new Option<int>("--batch") { Description = "images attacked at once; a stop (Ctrl-C, SIGTERM) keeps the batches finished before it", DefaultValueFactory = _ => AttackRun.DefaultBatchSize };
        var overwrite = new Option<bool>("--overwrite") { Description = "write into a non-empty --out, replacing the files of an earlier attack there" };
        var probes = GradientOptions.Probes();
        var threads = CommonOptions.Threads();
        var backend = ModelLoading.BackendOption();
        var command = new Command("attack", "Attack a saved classifier on MNIST test images with one gradient, minimisation or decision-based attack; writes the adversarials, a grid and a summary.")
        {
            model, attack, norm, eps, steps, target, n, batch, data, output, overwrite, seed, probes, threads, backend,
        };
        command.SetAction(parse =>
        {
            CommonOptions.ApplyThreads(parse.GetValue(threads));
            int? limit = parse.GetValue(n);
            if (limit is < 1)
            {
                throw new InvalidInputException($"--n must be at least 1 (got {limit})");
            }

            int batchSize = parse.GetValue(batch);
            if (batchSize < 1)
            {
                throw new InvalidInputException($"--batch must be at least 1 (got {batchSize})");
            }

            int probeCount = GradientOptions.Read(parse, probes);

            // The command attacks MNIST test images, [1,28,28], which bound ε under L2 and L0.
            int values = MnistDataset.Side * MnistDataset.Side;
            ChosenAttack chosen = ChosenAttack.Create(parse.GetValue(attack)!, parse.GetValue(norm), parse.GetValue(eps), parse.GetValue(steps), parse.GetValue(seed), values);
            LoadedModel loaded = ModelLoading.Load(parse.GetValue(model)!, ModelLoading.Backend(parse.GetValue(backend)), parse.InvocationConfiguration.Output);
            ModelLoading.RequireMnist(loaded, "attack");
            int? targetClass = parse.GetValue(target);
            if (targetClass is int t && (t < 0 || t >= loaded.Sidecar.Classes))
            {
                throw new InvalidInputException($"--target must be a class from 0 to {loaded.Sidecar.Classes - 1} (got {t})");
            }

            ImageDataset test = MnistDataset.Load(parse.GetValue(data)!, MnistSplit.Test, limit);
            string folder = parse.GetValue(output)!;
            OutputLocation.RequireFreshFolder(folder, "--out", parse.GetValue(overwrite));
            string commandLine = CommonOptions.CommandLine(parse);
            var run = new AttackRun(loaded, test, chosen, targetClass, commandLine, probeCount, parse.GetValue(seed), batchSize);
            TextWriter console = parse.InvocationConfiguration.Output;
            if (AttackTargets.GradientNote(loaded.Model, probeCount) is string note && AttackCatalog.UsesGradients(parse.GetValue(attack)!))
            {
                console.WriteLine(note);
            }

            AttackRunResult? result;
            using (var ctrlC = new CtrlCHandler(CancellationToken.None))
            {
                IProgress<int>? progress = test.Count > batchSize ? new BatchProgress(console, test.Count) : null;
                result = run.Execute(progress, ctrlC.Token);
            }

            if (result is null)
            {
                console.WriteLine($"stopped before the first batch of {Math.Min(batchSize, test.Count):N0} images was finished; nothing was written");
                return FoolingApp.Interrupted;
            }

            AttackFolder.Write(folder, result);
            AttackStatistics s = result.Statistics;
            CultureInfo inv = CultureInfo.InvariantCulture;
            string radius = chosen.Epsilon is float epsilon ? string.Create(inv, $", ε = {epsilon:G4}") : "";
            console.WriteLine(string.Create(inv, $"{chosen.Description}{radius}, {s.Count} images, {result.Seconds:F1} s"));
            console.WriteLine(string.Create(inv, $"clean accuracy {s.CleanAccuracy:P2}, accuracy on adversarials {s.AdversarialAccuracy:P2}, success rate {s.SuccessRate:P2}"));
            if (result.Stopped)
            {
                console.WriteLine(string.Create(inv, $"stopped after {s.Count:N0} of {result.Requested:N0} images; wrote those to {folder} (summary.md says so); running the command again starts over (--n sets how many images it attacks)"));
                return FoolingApp.Interrupted;
            }

            console.WriteLine($"wrote {folder}");
            return FoolingApp.Success;
        });
        return command;
    }

    /// <summary>One line per finished batch, so a long attack shows how far it is and what a stop would keep.</summary>
    private sealed class BatchProgress(TextWriter console, int total) : IProgress<int>
    {
        public void Report(int value) => console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"attacked {value:N0}/{total:N0} images"));
    }
}
