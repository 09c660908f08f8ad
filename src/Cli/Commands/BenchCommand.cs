using System.CommandLine;
using FoolingCluster.Bench;
using FoolingCluster.Cli.Evolution;
using FoolingCluster.Evolution.Evaluation;
using FoolingCluster.Models.Abs;
using FoolingCluster.Models.Architectures;
using FoolingCluster.Models.Checkpoints;
using FoolingCluster.Models.Configuration;
using FoolingCluster.Models.Data;
using FoolingCluster.Runs;
using FoolingCluster.Tensors.NN;
using FoolingCluster.Tensors.Serialization;

namespace FoolingCluster.Cli.Commands;

/// <summary><c>fooling bench engine</c>: the engine's speed figures, printed and written as markdown.</summary>
internal static class BenchCommand
{
    public static Command Build()
    {
        var output = new Option<string>("--out") { Description = "markdown file to write", DefaultValueFactory = _ => "bench/results/engine.md" };
        var quick = new Option<bool>("--quick") { Description = "one short trial per figure (a smoke run, not a measurement)" };
        var compare = new Option<string?>("--compare") { Description = "markdown figures of another engine measured on this machine (bench/results/pytorch-reference.md) to put side by side" };
        var threads = CommonOptions.Threads();
        var engine = new Command("engine", "LeNet forward, training and input-gradient images/s, a training epoch, GEMM GFLOP/s.") { output, quick, compare, threads };
        engine.SetAction(parse => BenchStop.Guard(parse.InvocationConfiguration.Output, parse.GetValue(output)!, stop =>
        {
            CheckReport(parse.GetValue(output)!);
            CommonOptions.ApplyThreads(parse.GetValue(threads));
            string? comparePath = parse.GetValue(compare);
            IReadOnlyDictionary<string, double>? reference = comparePath is null ? null : ReferenceFigures.Read(comparePath);
            TextWriter console = parse.InvocationConfiguration.Output;
            console.WriteLine($"machine: {MachineInfo.Describe()}");
            IReadOnlyList<Figure> figures = EngineBenchmark.Run(stop.Print, parse.GetValue(quick));
            string path = parse.GetValue(output)!;

            string command = "fooling bench engine" + (parse.GetValue(quick) ? " --quick" : "") + (parse.GetValue(threads) is int t ? $" --threads {t}" : "") + (comparePath is null ? "" : $" --compare {comparePath}");
            stop.Check();
            AtomicFile.WriteAllText(path, EngineBenchmark.Markdown(figures, command, reference, "PyTorch 1.13 (same machine)"));
            console.WriteLine($"wrote {path}");
            return FoolingApp.Success;
        }));
        return new Command("bench", "Benchmarks of the numerical engine and of the search.") { engine, BuildEvolution(), BuildCluster(), BuildAttacks(), BuildAbs(), BenchConvCommand.Build(), BenchModelsCommand.Build() };
    }

    private static Command BuildEvolution()
    {
        var output = new Option<string>("--out") { Description = "markdown file to write", DefaultValueFactory = _ => "bench/results/evolution.md" };
        var quick = new Option<bool>("--quick") { Description = "one short trial per figure and 20-generation searches (a smoke run, not a measurement)" };
        var model = new Option<string>("--model") { Description = "trained target for the whole searches; throughput alone needs none", DefaultValueFactory = _ => "models/lenet.safetensors" };
        var threads = CommonOptions.Threads();
        var command = new Command("evolution", "Search evaluations/s per encoding beside the classifier's forward-only images/s; whole 200-generation searches against a trained LeNet.") { output, quick, model, threads };
        command.SetAction(parse => BenchStop.Guard(parse.InvocationConfiguration.Output, parse.GetValue(output)!, stop =>
        {
            CheckReport(parse.GetValue(output)!);
            CommonOptions.ApplyThreads(parse.GetValue(threads));
            TextWriter console = parse.InvocationConfiguration.Output;
            bool isQuick = parse.GetValue(quick);
            string modelPath = parse.GetValue(model)!;
            console.WriteLine($"machine: {MachineInfo.Describe()}");
            bool trained = File.Exists(modelPath);
            var net = trained ? TargetModel.Load(modelPath).Loaded.Model : Architecture.Create("lenet", seed: 1);
            IReadOnlyList<Figure> figures = EvolutionBenchmark.Throughput(net, stop.Print, isQuick);
            var searches = new List<SearchFigure>();
            if (trained)
            {
                (_, ModuleClassifier classifier) = TargetModel.Load(modelPath);
                foreach (string config in new[] { "config/mnist-direct.json", "config/mnist-cppn.json" })
                {
                    EvolutionConfig cfg = StrictJson.Read<EvolutionConfig>(config);
                    cfg = isQuick ? cfg with { Generations = 20 } : cfg;
                    stop.Check();
                    SearchFigure s = EvolutionBenchmark.Search(cfg, classifier);
                    searches.Add(s);
                    console.WriteLine($"{s.Encoding}: {s.Generations} generations in {s.Seconds:F1} s, {s.Fooled}/10 classes at ≥ 99.99% (all from generation {s.FirstAllFooled?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "never"})");
                }
            }
            else
            {
                console.WriteLine($"{modelPath} does not exist: throughput measured on an untrained LeNet, whole searches skipped (train one with ./fooling train --config config/train-lenet.json)");
            }

            string path = parse.GetValue(output)!;
            string commandLine = "fooling bench evolution" + (isQuick ? " --quick" : "") + (parse.GetValue(threads) is int t ? $" --threads {t}" : "");
            string target = trained ? $"{modelPath} (trained LeNet)" : "untrained LeNet";
            stop.Check();
            AtomicFile.WriteAllText(path, EvolutionBenchmark.Markdown(figures, searches, commandLine, target));
            console.WriteLine($"wrote {path}");
            return FoolingApp.Success;
        }));
        return command;
    }

    private static Command BuildAttacks()
    {
        var output = new Option<string>("--out") { Description = "markdown file to write", DefaultValueFactory = _ => "bench/results/attacks.md" };
        var quick = new Option<bool>("--quick") { Description = "one short trial per step figure and 500 test images (a smoke run, not a measurement)" };
        var model = new Option<string>("--model") { Description = "trained target for the test-set figures; step throughput alone needs none", DefaultValueFactory = _ => "models/lenet.safetensors" };
        var data = new Option<string>("--data") { Description = "folder with the MNIST idx files", DefaultValueFactory = _ => MnistDataset.DefaultDirectory };
        var compare = new Option<string?>("--compare") { Description = "PyTorch's figures measured on this machine (bench/results/pytorch-attacks.md) to put side by side" };
        var threads = CommonOptions.Threads();
        var command = new Command("attacks", "PGD step images/s by batch; FGSM and PGD-40 accuracy and PGD-40 images/s over the MNIST test set.") { output, quick, model, data, compare, threads };
        command.SetAction(parse => BenchStop.Guard(parse.InvocationConfiguration.Output, parse.GetValue(output)!, stop =>
        {
            CheckReport(parse.GetValue(output)!);
            CommonOptions.ApplyThreads(parse.GetValue(threads));
            TextWriter console = parse.InvocationConfiguration.Output;
            bool isQuick = parse.GetValue(quick);
            string modelPath = parse.GetValue(model)!;
            string? comparePath = parse.GetValue(compare);
            IReadOnlyDictionary<string, double>? reference = comparePath is null ? null : ReferenceFigures.Read(comparePath);
            console.WriteLine($"machine: {MachineInfo.Describe()}");
            bool trained = File.Exists(modelPath);
            Module net = trained ? ModelCheckpoint.Load(modelPath).Model : Architecture.Create("lenet", seed: 1);
            var figures = new List<Figure>(AttackBenchmark.StepThroughput(net, stop.Print, isQuick));
            if (trained)
            {
                ImageDataset test = MnistDataset.Load(parse.GetValue(data)!, MnistSplit.Test, isQuick ? 500 : null);
                figures.AddRange(AttackBenchmark.TestSet(net, test, stop.Print));
            }
            else
            {
                console.WriteLine($"{modelPath} does not exist: step throughput measured on an untrained LeNet, test-set figures skipped (train one with ./fooling train --config config/train-lenet.json)");
            }

            string path = parse.GetValue(output)!;
            string commandLine = "fooling bench attacks" + (isQuick ? " --quick" : "") + (parse.GetValue(threads) is int t ? $" --threads {t}" : "") + (comparePath is null ? "" : $" --compare {comparePath}");
            string target = trained ? $"{modelPath} (trained LeNet)" : "untrained LeNet";
            stop.Check();
            AtomicFile.WriteAllText(path, AttackBenchmark.Markdown(figures, commandLine, target, reference));
            console.WriteLine($"wrote {path}");
            return FoolingApp.Success;
        }));
        return command;
    }

    private static Command BuildAbs()
    {
        var output = new Option<string>("--out") { Description = "markdown file to write", DefaultValueFactory = _ => "bench/results/abs.md" };
        var model = new Option<string>("--model") { Description = "trained ABS model folder", DefaultValueFactory = _ => "models/abs" };
        var n = new Option<int>("--n") { Description = "test images to classify", DefaultValueFactory = _ => 1000 };
        var noTraining = new Option<bool>("--no-training") { Description = "skip the training-epoch figures (about two epochs of work)" };
        var data = new Option<string>("--data") { Description = "folder with the MNIST idx files", DefaultValueFactory = _ => MnistDataset.DefaultDirectory };
        var threads = CommonOptions.Threads();
        var command = new Command("abs", "ABS inference time and clean accuracy on the first N test images (plain, binary, prior samples only), and an epoch of VAE training one per core vs one at a time.") { output, model, n, noTraining, data, threads };
        command.SetAction(parse => BenchStop.Guard(parse.InvocationConfiguration.Output, parse.GetValue(output)!, stop =>
        {
            CheckReport(parse.GetValue(output)!);
            CommonOptions.ApplyThreads(parse.GetValue(threads));
            TextWriter console = parse.InvocationConfiguration.Output;
            int count = parse.GetValue(n);
            if (count < 1)
            {
                throw new Tensors.InvalidInputException($"--n must be at least 1 (got {count})");
            }

            string modelPath = parse.GetValue(model)!;
            LoadedModel loaded = ModelCheckpoint.Load(modelPath);
            if (loaded.Model is not AbsModel abs)
            {
                throw new Tensors.InvalidInputException($"{modelPath} is a {loaded.Sidecar.Architecture} model; bench abs needs an ABS model folder (`./fooling abs train --out {modelPath}`)");
            }

            console.WriteLine($"machine: {MachineInfo.Describe()}");
            var figures = new List<Figure>();
            if (loaded.Sidecar.Training?.Seconds is double trained)
            {
                var f = new Figure("training of the model's ten vaes, as recorded", trained, "s", $"{loaded.Sidecar.Training.Epochs} epochs, batch {loaded.Sidecar.Training.BatchSize}, recorded in its sidecar by `fooling abs train`");
                figures.Add(f);
                stop.Print(f);
            }

            ImageDataset test = MnistDataset.Load(parse.GetValue(data)!, MnistSplit.Test, count);
            figures.AddRange(AbsBenchmark.Inference(abs, test, stop.Print));
            if (!parse.GetValue(noTraining))
            {
                ImageDataset train = MnistDataset.Load(parse.GetValue(data)!, MnistSplit.Train);
                figures.AddRange(AbsBenchmark.TrainingEpoch(train, stop.Print));
            }

            string path = parse.GetValue(output)!;
            string commandLine = "fooling bench abs" + (count != 1000 ? $" --n {count}" : "") + (parse.GetValue(noTraining) ? " --no-training" : "") + (parse.GetValue(threads) is int t ? $" --threads {t}" : "");
            stop.Check();
            AtomicFile.WriteAllText(path, AbsBenchmark.Markdown(figures, commandLine, $"{modelPath} ({loaded.Sidecar.Training?.Epochs.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"} epochs)"));
            console.WriteLine($"wrote {path}");
            return FoolingApp.Success;
        }));
        return command;
    }

    private static Command BuildCluster()
    {
        var output = new Option<string>("--out") { Description = "markdown file to write", DefaultValueFactory = _ => "bench/results/coordinator-ceiling.md" };
        var quick = new Option<bool>("--quick") { Description = "fewer generations (a smoke run, not a measurement)" };
        var threads = CommonOptions.Threads();
        var command = new Command("cluster", "The coordinator's ceiling: children handed out and merged per second when workers answer at once.") { output, quick, threads };
        command.SetAction(parse => BenchStop.Guard(parse.InvocationConfiguration.Output, parse.GetValue(output)!, stop =>
        {
            CheckReport(parse.GetValue(output)!);
            CommonOptions.ApplyThreads(parse.GetValue(threads));
            TextWriter console = parse.InvocationConfiguration.Output;
            console.WriteLine($"machine: {MachineInfo.Describe()}");
            IReadOnlyList<Figure> figures = ClusterBenchmark.CoordinatorCeiling(Architecture.Create("lenet", seed: 1), stop.Print, parse.GetValue(quick));
            string path = parse.GetValue(output)!;
            stop.Check();
            AtomicFile.WriteAllText(path, ClusterBenchmark.Markdown(figures, "fooling bench cluster" + (parse.GetValue(quick) ? " --quick" : "")));
            console.WriteLine($"wrote {path}");
            return FoolingApp.Success;
        }));
        return command;
    }

    /// <summary>
    /// Checks before measuring that the report can be written. A benchmark report is a
    /// measurement meant to be taken again, so an existing one is replaced without asking.
    /// </summary>
    private static void CheckReport(string path) => OutputLocation.RequireNewFile(path, "--out", overwrite: true);
}
