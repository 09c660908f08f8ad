using System.CommandLine;
using FoolingCluster.Bench;
using FoolingCluster.Tensors.Serialization;

namespace FoolingCluster.Cli.Commands;

/// <summary><c>fooling bench conv</c>: forward milliseconds of the convolution and pooling layers of ImageNet classifiers.</summary>
internal static class BenchConvCommand
{
    public static Command Build()
    {
        var output = new Option<string>("--out") { Description = "markdown file to write", DefaultValueFactory = _ => "bench/results/conv.md" };
        var quick = new Option<bool>("--quick") { Description = "one short trial per figure (a smoke run, not a measurement)" };
        var threads = CommonOptions.Threads();
        var command = new Command("conv", "Forward ms at batch 1 of a ResNet 3×3 conv, the ResNet 7×7 stem, a MobileNetV2 depthwise conv and the ResNet max pool.") { output, quick, threads };
        command.SetAction(parse => BenchStop.Guard(parse.InvocationConfiguration.Output, parse.GetValue(output)!, stop =>
        {
            string path = parse.GetValue(output)!;
            OutputLocation.RequireNewFile(path, "--out", overwrite: true);
            CommonOptions.ApplyThreads(parse.GetValue(threads));
            TextWriter console = parse.InvocationConfiguration.Output;
            console.WriteLine($"machine: {MachineInfo.Describe()}");
            IReadOnlyList<Figure> figures = ConvBenchmark.Run(stop.Print, parse.GetValue(quick));
            string commandLine = "fooling bench conv" + (parse.GetValue(quick) ? " --quick" : "") + (parse.GetValue(threads) is int t ? $" --threads {t}" : "");
            stop.Check();
            AtomicFile.WriteAllText(path, ConvBenchmark.Markdown(figures, commandLine));
            console.WriteLine($"wrote {path}");
            return FoolingApp.Success;
        }));
        return command;
    }
}
