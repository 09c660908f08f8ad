using System.CommandLine;
using FoolingCluster.Cli.ModelFiles;
using System.Globalization;
using FoolingCluster.Attacks;
using FoolingCluster.Attacks.Distances;
using FoolingCluster.Attacks.Transfer;
using FoolingCluster.Cli.Output;
using FoolingCluster.Models.Checkpoints;
using FoolingCluster.Models.Data;
using FoolingCluster.Tensors;
using FoolingCluster.Tensors.Serialization;

namespace FoolingCluster.Cli.Commands;

/// <summary>
/// <c>fooling transfer-attack</c>: a gradient attack crafted on each of several saved models and
/// classified by all of them (Szegedy et al. 2014, Table 2), written as a matrix of accuracies.
/// </summary>
/// <remarks>Not <c>fooling transfer</c>, which classifies a search's evolved elites with other models.</remarks>
internal static class TransferAttackCommand
{
    /// <summary>The input every model must take: MNIST digits.</summary>
    private static readonly int[] s_inputShape = [1, MnistDataset.Side, MnistDataset.Side];

    public static Command Build()
    {
        var models = new Option<string[]>("--models", "--model")
        {
            Description = "weights files (.safetensors with their .json sidecars), at least two: comma-separated, or the option repeated",
            Required = true,

            // One path per token: with several, a mistyped option after the list would be taken for a model.
            AllowMultipleArgumentsPerToken = false,
        };
        var attack = new Option<string>("--attack") { Description = $"attack: {string.Join(", ", AttackCatalog.Names)}", Required = true };
        var norm = new Option<string?>("--norm") { Description = $"norm of the ε-ball: {string.Join(", ", AttackCatalog.Norms)} (default: l2 for fgm, linf otherwise)" };
        var eps = new Option<float>("--eps") { Description = "radius ε of the ball around each image (pixels in [0,1])", Required = true };
        var steps = new Option<int?>("--steps") { Description = "steps of bim or pgd (default 10 for bim, 40 for pgd under linf and 50 under l2)" };
        var n = new Option<int>("--n") { Description = "attack the first N test images", DefaultValueFactory = _ => 1000 };
        var slice = new Option<int>("--slice") { Description = "images attacked at once (pgd draws its random start afresh for each slice)", DefaultValueFactory = _ => TransferMeasurement.DefaultSliceSize };
        var data = new Option<string>("--data") { Description = "folder with the MNIST idx files", DefaultValueFactory = _ => MnistDataset.DefaultDirectory };
        var output = new Option<string>("--out") { Description = "folder for transfer-matrix.md, transfer-matrix.csv and the adversarials crafted on each model", Required = true };
        var seed = new Option<int>("--seed") { Description = "seed of pgd's random start", DefaultValueFactory = _ => 0 };
        var overwrite = new Option<bool>("--overwrite") { Description = "write into a non-empty --out, replacing the files of an earlier transfer matrix there" };
        var probes = GradientOptions.Probes();
        var threads = CommonOptions.Threads();
        var command = new Command("transfer-attack", "Craft adversarials on each of several saved classifiers and measure every classifier's accuracy on them: a transfer matrix (Szegedy et al. 2014, Table 2).")
        {
            models, attack, norm, eps, steps, n, slice, data, output, overwrite, seed, probes, threads,
        };
        command.SetAction((parse, cancel) =>
        {
            CommonOptions.ApplyThreads(parse.GetValue(threads));
            float epsilon = parse.GetValue(eps);
            int count = parse.GetValue(n);
            int testImages = MnistDataset.ExpectedCount(MnistSplit.Test);
            if (count < 1 || count > testImages)
            {
                throw new InvalidInputException($"--n must be from 1 to {testImages:N0}, the size of the MNIST test set (got {count})");
            }

            int sliceSize = parse.GetValue(slice);
            if (sliceSize < 1)
            {
                throw new InvalidInputException($"--slice must be at least 1 (got {sliceSize})");
            }

            string attackName = parse.GetValue(attack)!;
            string? normName = parse.GetValue(norm);
            int? stepCount = parse.GetValue(steps);
            int pgdSeed = parse.GetValue(seed);
            Radius.Check("--eps", epsilon, AttackCatalog.Create(attackName, normName, stepCount, pgdSeed).Distance, s_inputShape.Aggregate(1, (a, b) => a * b));
            int probeCount = GradientOptions.Read(parse, probes);
            IReadOnlyList<string> paths = ModelPaths(parse.GetValue(models)!);
            string[] names = Names(paths);
            LoadedModel[] loaded = [.. paths.Select(p => Load(p, parse.InvocationConfiguration.Output))];
            ImageDataset test = MnistDataset.Load(parse.GetValue(data)!, MnistSplit.Test, count);
            if (test.Count < count)
            {
                throw new InvalidInputException($"--n {count} asks for more images than the {test.Count:N0} in {parse.GetValue(data)}");
            }

            OutputLocation.RequireFreshFolder(parse.GetValue(output)!, "--out", parse.GetValue(overwrite));
            string commandLine = "fooling " + string.Join(" ", parse.Tokens.Select(token => Quote(token.Value)));
            var run = new TransferAttackRun(loaded, names, test, () => AttackCatalog.Create(attackName, normName, stepCount, pgdSeed), epsilon, sliceSize, commandLine, probeCount, pgdSeed);
            return Task.FromResult(Execute(run, parse.GetValue(output)!, parse.InvocationConfiguration.Output, cancel));
        });
        return command;
    }

    private static int Execute(TransferAttackRun run, string folder, TextWriter console, CancellationToken cancel)
    {
        CultureInfo inv = CultureInfo.InvariantCulture;
        console.WriteLine(string.Create(inv, $"{run.Attack.Describe()}, ε = {run.Epsilon:G4}, on the first {run.Data.Count:N0} test images, crafted on each of {run.Models.Count} models"));
        foreach (string note in run.GradientNotes())
        {
            console.WriteLine(note);
        }

        var progress = new ConsoleProgress<TransferProgress>(console, FormatProgress, ConsoleProgress<TransferProgress>.ConsoleIsInteractive);
        TransferMatrix matrix;
        using var ctrlC = new CtrlCHandler(cancel);
        try
        {
            matrix = run.Execute(progress, ctrlC.Token);
        }
        catch (OperationCanceledException)
        {
            progress.Finish();
            console.WriteLine("stopped before the matrix was complete; nothing was written");
            return FoolingApp.Interrupted;
        }

        progress.Finish();
        TransferMatrixFolder.Write(folder, run, matrix);
        console.WriteLine("accuracy (%) of each column's model on the adversarials crafted on each row's model; white-box diagonal in brackets:");
        console.Write(TransferMatrixText.Console(matrix));
        console.WriteLine(string.Create(inv, $"{matrix.Seconds.Sum():F1} s; wrote {Path.Combine(folder, TransferMatrixFolder.Markdown)}, {TransferMatrixFolder.Csv} and the adversarials"));
        return FoolingApp.Success;
    }

    /// <summary>The weights files from every --models value, split at commas, in order.</summary>
    private static List<string> ModelPaths(string[] values)
    {
        List<string> paths = [.. values.SelectMany(v => CommaList.Split("--models", v, "model files (weights, .onnx or an ABS model)"))];
        if (paths.Count < 2)
        {
            throw new InvalidInputException($"a transfer matrix needs at least two models (got {paths.Count}{(paths.Count == 1 ? $": {paths[0]}" : "")}); give them as --models a.safetensors,b.safetensors or repeat --model");
        }

        string? twice = paths.GroupBy(p => Path.GetFullPath(p), StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1)?.First();
        if (twice is not null)
        {
            throw new InvalidInputException($"model {twice} is given twice; each model is one row and one column of the matrix");
        }

        return paths;
    }

    /// <summary>The weights files' names without extension, which label the rows, columns and adversarial files.</summary>
    private static string[] Names(IReadOnlyList<string> paths)
    {
        string[] names = [.. paths.Select(Path.GetFileNameWithoutExtension).Select(name => name ?? "")];
        int unnamed = Array.FindIndex(names, name => name.Length == 0);
        if (unnamed >= 0)
        {
            throw new InvalidInputException($"model {paths[unnamed]} has no file name to label its row and column; name the weights file, e.g. lenet.safetensors");
        }

        IGrouping<string, int>? clash = Enumerable.Range(0, paths.Count).GroupBy(i => names[i], StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (clash is not null)
        {
            throw new InvalidInputException($"{string.Join(" and ", clash.Select(i => paths[i]))} would both be called '{clash.Key}' in the matrix; give the weights files different names");
        }

        return names;
    }

    private static LoadedModel Load(string path, TextWriter console)
    {
        LoadedModel model = ModelLoading.Load(path, backend: null, console);
        ModelSidecar sidecar = model.Sidecar;
        if (!sidecar.InputShape.SequenceEqual(s_inputShape) || sidecar.Classes != MnistDataset.Classes)
        {
            throw new InvalidInputException($"{ModelCheckpoint.SidecarPath(path)} describes a model of [{string.Join(",", sidecar.InputShape)}] images and {sidecar.Classes} classes; transfer-attack runs on MNIST, [1,28,28] and 10 classes");
        }

        return model;
    }

    private static string FormatProgress(TransferProgress p) =>
        string.Create(CultureInfo.InvariantCulture, $"crafting on {p.SourceName} ({p.Source + 1}/{p.Sources}): {p.Done:N0}/{p.Count:N0} images, {p.ImagesPerSecond:N0} images/s, {p.Fraction:P0} of all");

    private static string Quote(string value) => value.Length == 0 || value.Any(char.IsWhiteSpace) ? $"\"{value}\"" : value;
}
