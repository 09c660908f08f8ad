using System.CommandLine;
using FoolingCluster.Bench;

namespace FoolingCluster.Cli.Commands;

/// <summary><c>fooling bench models</c>: imported ONNX classifiers on the engine and on ONNX Runtime, on the same threads.</summary>
internal static class BenchModelsCommand
{
    public static Command Build() => BenchReportCommand.Build(
        "models",
        "Forward images/s of an imported LeNet (batch 256) and the ResNet-18-shaped graph at 224×224 (batch 1 and 16) on the engine and ONNX Runtime, their input-gradient images/s, and a colour CPPN search's evaluations/s against the ResNet.",
        "bench/results/models.md",
        "one short trial per figure and a narrow ResNet at 64×64 (a smoke run, not a measurement)",
        (stop, quick, commandLine, console) =>
        {
            string loadBefore = MachineInfo.LoadAverage();
            console.WriteLine($"load average: {loadBefore}");
            IReadOnlyList<ModelRow> rows = ModelsBenchmark.Run(stop.Print, quick);
            return ModelsBenchmark.Markdown(rows, commandLine, loadBefore, MachineInfo.LoadAverage());
        });
}
