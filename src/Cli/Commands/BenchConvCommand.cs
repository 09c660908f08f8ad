using System.CommandLine;
using FoolingCluster.Bench;

namespace FoolingCluster.Cli.Commands;

/// <summary><c>fooling bench conv</c>: forward milliseconds of the convolution and pooling layers of ImageNet classifiers.</summary>
internal static class BenchConvCommand
{
    public static Command Build() => BenchReportCommand.Build(
        "conv",
        "Forward ms at batch 1 of a ResNet 3×3 conv, the ResNet 7×7 stem, a MobileNetV2 depthwise conv and the ResNet max pool.",
        "bench/results/conv.md",
        "one short trial per figure (a smoke run, not a measurement)",
        (stop, quick, commandLine, _) => ConvBenchmark.Markdown(ConvBenchmark.Run(stop.Print, quick), commandLine));
}
