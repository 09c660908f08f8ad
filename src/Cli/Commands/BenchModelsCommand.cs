using System.CommandLine;
using FoolingCluster.Bench;
using FoolingCluster.Tensors.Serialization;

namespace FoolingCluster.Cli.Commands;

/// <summary><c>fooling bench models</c>: imported ONNX classifiers on the engine and on ONNX Runtime, on the same threads.</summary>
internal static class BenchModelsCommand
{
    public static Command Build()
    {
        var output = new Option<string>("--out") { Description = "markdown file to write", DefaultValueFactory = _ => "bench/results/models.md" };
        var quick = new Option<bool>("--quick") { Description = "one short trial per figure and a narrow ResNet at 64×64 (a smoke run, not a measurement)" };
        var threads = CommonOptions.Threads();
        var command = new Command("models", "Forward images/s of an imported LeNet (batch 256) and the ResNet-18-shaped graph at 224×224 (batch 1 and 16) on the engine and ONNX Runtime, their input-gradient images/s, and a colour CPPN search's evaluations/s against the ResNet.") { output, quick, threads };
        command.SetAction(parse => BenchStop.Guard(parse.InvocationConfiguration.Output, parse.GetValue(output)!, stop =>
        {
            string path = parse.GetValue(output)!;
            OutputLocation.RequireNewFile(path, "--out", overwrite: true);
            CommonOptions.ApplyThreads(parse.GetValue(threads));
            TextWriter console = parse.InvocationConfiguration.Output;
            console.WriteLine($"machine: {MachineInfo.Describe()}");
            string loadBefore = MachineInfo.LoadAverage();
            console.WriteLine($"load average: {loadBefore}");
            IReadOnlyList<ModelRow> rows = ModelsBenchmark.Run(stop.Print, parse.GetValue(quick));
            string commandLine = "fooling bench models" + (parse.GetValue(quick) ? " --quick" : "") + (parse.GetValue(threads) is int t ? $" --threads {t}" : "");
            stop.Check();
            AtomicFile.WriteAllText(path, ModelsBenchmark.Markdown(rows, commandLine, loadBefore, MachineInfo.LoadAverage()));
            console.WriteLine($"wrote {path}");
            return FoolingApp.Success;
        }));
        return command;
    }
}
