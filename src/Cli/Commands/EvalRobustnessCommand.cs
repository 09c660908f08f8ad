using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using FoolingCluster.Attacks;
using FoolingCluster.Attacks.Abs;
using FoolingCluster.Attacks.Reporting;
using FoolingCluster.Attacks.Robustness;
using FoolingCluster.Bench;
using FoolingCluster.Cli.Evolution;
using FoolingCluster.Cli.ModelFiles;
using FoolingCluster.Cli.Output;
using FoolingCluster.Coordinator.Http;
using FoolingCluster.Hosting.Nodes;
using FoolingCluster.Hosting.Runs;
using FoolingCluster.Models.Abs;
using FoolingCluster.Models.Checkpoints;
using FoolingCluster.Models.Data;
using FoolingCluster.Models.Imaging;
using FoolingCluster.Runs;
using FoolingCluster.Tensors;
using FoolingCluster.Tensors.Serialization;

namespace FoolingCluster.Cli.Commands;

/// <summary>
/// <c>fooling eval-robustness</c>: the ABS paper's robustness table for one model: per norm, the
/// smallest adversarial any attack finds for each image, summarised as accuracy at a radius and
/// median distance, written to runs/&lt;id&gt;/robustness.{md,csv,svg,png}.
/// </summary>
internal static class EvalRobustnessCommand
{
    /// <summary>The one-file copy of an ABS model that a sharded evaluation serves its workers, in the run folder.</summary>
    internal const string PackedAbsFile = "abs.safetensors";

    public static Command Build()
    {
        var model = new Option<string>("--model") { Description = "weights file (.safetensors) with its .json sidecar next to it, or an ABS model's folder (models/abs) or sidecar (models/abs/abs-binary.json)", Required = true };
        var norms = new Option<string>("--norms") { Description = $"comma-separated norms from {string.Join(", ", RobustnessPlan.AllNorms)}", DefaultValueFactory = _ => string.Join(",", RobustnessPlan.AllNorms) };
        var n = new Option<int>("--n") { Description = "evaluate the first N test images", DefaultValueFactory = _ => 1000 };
        var attacks = new Option<string?>("--attacks") { Description = $"comma-separated attacks to run instead of the defaults ({DefaultsText()}); each runs in every chosen norm it works in: {string.Join(", ", AttackCatalog.Names)}" };
        var data = new Option<string>("--data") { Description = "folder with the MNIST idx files", DefaultValueFactory = _ => MnistDataset.DefaultDirectory };
        var runs = new Option<string>("--runs") { Description = "folder under which the run folder is created", DefaultValueFactory = _ => "runs" };
        var seed = new Option<int>("--seed") { Description = "seed of every randomised attack", DefaultValueFactory = _ => 0 };
        var binarize = new Option<bool>("--binarize") { Description = "evaluate the model on inputs binarised at 0.5 (Schott et al.'s binary models); gradient attacks pass the model's gradients straight through the binarisation; with an ABS model, binary ABS" };
        var probes = GradientOptions.Probes();
        var threads = CommonOptions.Threads();
        var backend = ModelLoading.BackendOption();
        var clusterAddress = new Option<string?>("--cluster") { Description = "HOST:PORT to listen on for workers (e.g. 127.0.0.1:4053; `fooling worker --join` it): shard the images over them, one job per slice; without it, everything runs here" };
        var insecure = ClusterOptions.Insecure();
        var tls = ClusterOptions.Tls();
        var slice = new Option<int>("--slice") { Description = "images evaluated at once, and per worker job with --cluster; a stop (Ctrl-C, SIGTERM) keeps the slices finished before it", DefaultValueFactory = _ => 100 };
        var listen = new Option<string>("--listen") { Description = "HOST:PORT from which workers download the model with --cluster", DefaultValueFactory = _ => "127.0.0.1:0" };
        var advertise = new Option<string?>("--advertise") { Description = "http://HOST:PORT at which workers reach --listen (default: the --listen address)" };
        var command = new Command("eval-robustness", "Measure a classifier's robustness in L0, L2 and L∞ with every applicable attack; writes the ABS paper's table, per-image distances and accuracy curves.")
        {
            model, norms, n, attacks, data, runs, seed, binarize, probes, threads, clusterAddress, insecure, tls, slice, listen, advertise, backend,
        };
        command.SetAction(async (parse, cancel) =>
        {
            CommonOptions.ApplyThreads(parse.GetValue(threads));
            int count = parse.GetValue(n);
            if (count < 1)
            {
                throw new InvalidInputException($"--n must be at least 1 (got {count})");
            }

            int sliceSize = parse.GetValue(slice);
            if (sliceSize < 1)
            {
                throw new InvalidInputException($"--slice must be at least 1 (got {sliceSize})");
            }

            NodeSettings? cluster = parse.GetValue(clusterAddress) is string address ? ClusterOptions.Node(address, null, parse.GetValue(insecure), anyPort: false, parse.GetValue(tls)) : null;
            string? advertised = ClusterOptions.Advertise(parse.GetValue(advertise));
            bool binary = parse.GetValue(binarize);
            int gradientProbes = GradientOptions.Read(parse, probes);

            string modelPath = parse.GetValue(model)!;
            bool isAbs = AbsCheckpoint.Names(modelPath);

            // ABS has no input gradient: it estimates its own (from --probes, 100 by default), and the
            // plan uses them as they come. Binary ABS binarises its own inputs and scales its classes.
            RobustnessPlan plan = RobustnessPlan.Create(
                CommaList.Split("--norms", parse.GetValue(norms)!, string.Join(", ", RobustnessPlan.AllNorms)),
                parse.GetValue(attacks) is string a ? CommaList.Split("--attacks", a, string.Join(", ", AttackCatalog.Names)) : null,
                parse.GetValue(seed),
                binary && !isAbs,
                gradientProbes,
                isAbs ? RobustnessPlan.AbsAttacks : null);
            LoadedModel loaded = ModelLoading.Load(modelPath, ModelLoading.Backend(parse.GetValue(backend)), parse.InvocationConfiguration.Output);
            ModelLoading.RequireMnist(loaded, "eval-robustness");
            if (isAbs && binary)
            {
                loaded = AbsCheckpoint.AsBinary(loaded);
            }

            IAttackModel referee = plan.Target(loaded.Model);
            string gradients = referee is AbsAttackModel absTarget ? absTarget.DescribeGradients() : plan.DescribeGradients();
            ImageDataset test = MnistDataset.Load(parse.GetValue(data)!, MnistSplit.Test, count);
            TextWriter console = parse.InvocationConfiguration.Output;
            string name = (Directory.Exists(modelPath) ? Path.GetFileName(Path.TrimEndingDirectorySeparator(modelPath)) : Path.GetFileNameWithoutExtension(modelPath)) + (binary ? "-binary" : "");
            using RunFolder folder = RunFolder.Create(parse.GetValue(runs)!, "robustness", name, console);
            console.WriteLine($"robustness of {modelPath}{(binary ? " on binarised inputs" : "")} on the first {test.Count:N0} test images, gradients {gradients} → {folder.Path}");
            foreach (NormPlan norm in plan.Norms)
            {
                console.WriteLine($"  {RobustnessReport.NormLabel(norm.Norm)}: {string.Join(", ", norm.Attacks)}");
            }

            var clock = Stopwatch.StartNew();
            var progress = new SynchronousProgress<RobustnessProgress>(p => console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"[{p.Done}/{p.Total}] {RobustnessReport.NormLabel(p.Norm)} {p.Attack}: median {Number(p.Median)}, {p.Seconds:F1} s")));
            Tensor images = Tensor.Wrap(test.Images, test.Count, test.Channels, test.Height, test.Width);
            int[] labels = test.Labels.Select(l => (int)l).ToArray();
            RobustnessResult result;
            if (cluster is null)
            {
                using var ctrlC = new CtrlCHandler(cancel);
                IProgress<int>? sliceDone = test.Count > sliceSize ? new SynchronousProgress<int>(done => console.WriteLine($"evaluated {done:N0}/{test.Count:N0} images")) : null;
                RobustnessResult? finished = LocalRobustness.Run(plan, referee, images, labels, sliceSize, progress, sliceDone, ctrlC.Token);
                if (finished is null)
                {
                    console.WriteLine($"stopped before the first slice of {Math.Min(sliceSize, test.Count):N0} images was finished; nothing was written to {folder.Path}; running the command again starts over");
                    return FoolingApp.Interrupted;
                }

                if (finished.Count < test.Count)
                {
                    return PartialReport.Write(folder, finished, test, name, CommandLine(parse), gradients, clock.Elapsed.TotalSeconds, console, loaded.Sidecar.ClassNames);
                }

                result = finished;
            }
            else
            {
                using var ctrlC = new CtrlCHandler(cancel);
                // Workers fetch one weights file by its hash, with the sidecar of how it was loaded
                // here: an ABS folder travels packed into one, any other model as the run folder's
                // copy, as a search's target does (an ONNX file or bare weights have no sidecar of their own).
                LoadedModel served = isAbs ? AbsCheckpoint.Pack(loaded, folder.File(PackedAbsFile)) : ServedCopy(modelPath, folder, loaded);
                var target = new ServedTarget(served, folder.Id, (test.Channels, test.Height, test.Width), parse.GetValue(listen)!, advertised);
                void Log(string line) => console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{DateTime.Now:HH:mm:ss} {line}"));
                result = await ShardedJobHost.EvaluateRobustnessAsync(cluster, ClusterOptions.JoinTimeout(), target, plan, referee, images, labels, sliceSize, Log, ctrlC.Token).ConfigureAwait(false);
            }

            var info = new RobustnessReportInfo(name, CommandLine(parse), MachineInfo.Describe(), $"the first {test.Count:N0} MNIST test images", clock.Elapsed.TotalSeconds, gradients);
            Write(folder, result, info, test, loaded.Sidecar.ClassNames);
            AtomicFile.WriteAllText(folder.File(RobustnessSummary.File), RobustnessSummary.Of(result, name, gradients).ToJson());
            console.WriteLine(SummaryLines(result));
            console.WriteLine($"wrote {folder.File("robustness.md")}, .csv, .svg and .png");
            return FoolingApp.Success;
        });
        return command;
    }

    /// <summary>Copies the model into the run folder with the sidecar it was loaded by; the copy, as loaded.</summary>
    private static LoadedModel ServedCopy(string modelPath, RunFolder folder, LoadedModel loaded)
    {
        TargetModel.CopyInto(modelPath, folder.Path, RunFiles.Model, loaded);
        return loaded with { Path = RunFiles.ModelIn(folder.Path) };
    }

    /// <summary>Writes robustness.md, .csv, .svg and .png into the run folder; robustness.csv names each label when <paramref name="classNames"/> does.</summary>
    internal static void Write(RunFolder folder, RobustnessResult result, RobustnessReportInfo info, ImageDataset images, IReadOnlyList<string>? classNames = null)
    {
        AtomicFile.WriteAllText(folder.File("robustness.md"), RobustnessReport.Markdown(result, info, PublishedRobustness.All));
        AtomicFile.WriteAllText(folder.File("robustness.csv"), RobustnessReport.Csv(result, classNames));
        AtomicFile.WriteAllText(folder.File("robustness.svg"), RobustnessReport.Svg(result));
        PngWriter.Write(folder.File("robustness.png"), RobustnessReport.Picture(result, images.Images, (images.Channels, images.Height, images.Width)));
    }

    private static string SummaryLines(RobustnessResult result)
    {
        CultureInfo inv = CultureInfo.InvariantCulture;
        var lines = new List<string> { string.Create(inv, $"clean accuracy {result.CleanAccuracy:P1}") };
        foreach (NormRobustness norm in result.Norms)
        {
            double threshold = RobustnessPlan.Threshold(norm.Norm);
            lines.Add(string.Create(inv, $"{RobustnessReport.NormLabel(norm.Norm)}: accuracy {norm.AccuracyWithin(threshold):P1} at {threshold:G3}, median {Number(norm.MedianDistance)}"));
        }

        return string.Join(Environment.NewLine, lines);
    }

    private static string CommandLine(ParseResult parse) => CommonOptions.CommandLine(parse);

    private static string DefaultsText() =>
        string.Join("; ", RobustnessPlan.DefaultAttacks.Select(d => $"{d.Key}: {string.Join(", ", d.Value)}"));

    private static string Number(double value) => double.IsPositiveInfinity(value) ? "∞" : value.ToString("0.###", CultureInfo.InvariantCulture);
}
