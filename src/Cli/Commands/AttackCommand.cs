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
        var output = new Option<string>("--out") { Description = "folder for adversarial-images.idx3, original-images.idx3, labels.idx1, grid.png and summary.md", Required = true };
        var seed = new Option<int>("--seed") { Description = "seed of randomised attacks (pgd's random start, noise, Boundary, Pointwise)", DefaultValueFactory = _ => 0 };
        var overwrite = new Option<bool>("--overwrite") { Description = "write into a non-empty --out, replacing the files of an earlier attack there" };
        var threads = CommonOptions.Threads();
        var backend = ModelLoading.BackendOption();
        var command = new Command("attack", "Attack a saved classifier on MNIST test images with one gradient, minimisation or decision-based attack; writes the adversarials, a grid and a summary.")
        {
            model, attack, norm, eps, steps, target, n, data, output, overwrite, seed, threads, backend,
        };
        command.SetAction(parse =>
        {
            CommonOptions.ApplyThreads(parse.GetValue(threads));
            int? limit = parse.GetValue(n);
            if (limit is < 1)
            {
                throw new InvalidInputException($"--n must be at least 1 (got {limit})");
            }

            ChosenAttack chosen = ChosenAttack.Create(parse.GetValue(attack)!, parse.GetValue(norm), parse.GetValue(eps), parse.GetValue(steps), parse.GetValue(seed));
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
            var run = new AttackRun(loaded, test, chosen, targetClass, commandLine);
            AttackRunResult result = run.Execute();
            AttackFolder.Write(folder, result);

            TextWriter console = parse.InvocationConfiguration.Output;
            AttackStatistics s = result.Statistics;
            CultureInfo inv = CultureInfo.InvariantCulture;
            string radius = chosen.Epsilon is float epsilon ? string.Create(inv, $", ε = {epsilon:G4}") : "";
            console.WriteLine(string.Create(inv, $"{chosen.Description}{radius}, {s.Count} images, {result.Seconds:F1} s"));
            console.WriteLine(string.Create(inv, $"clean accuracy {s.CleanAccuracy:P2}, accuracy on adversarials {s.AdversarialAccuracy:P2}, success rate {s.SuccessRate:P2}"));
            console.WriteLine($"wrote {folder}");
            return FoolingApp.Success;
        });
        return command;
    }
}
