using System.CommandLine;
using FoolingCluster.Bench;
using FoolingCluster.Tensors.Serialization;

namespace FoolingCluster.Cli.Commands;

/// <summary>
/// A <c>fooling bench</c> subcommand that takes <c>--out</c>, <c>--quick</c> and <c>--threads</c>,
/// prints the machine, measures, and writes one markdown report (none if a signal stops it).
/// </summary>
internal static class BenchReportCommand
{
    /// <summary>What a benchmark measures: printing each figure through the stop, it returns the report's markdown for the command line given.</summary>
    public delegate string Measure(BenchStop stop, bool quick, string commandLine, TextWriter console);

    public static Command Build(string name, string description, string defaultReport, string quickDescription, Measure measure)
    {
        var output = new Option<string>("--out") { Description = "markdown file to write", DefaultValueFactory = _ => defaultReport };
        var quick = new Option<bool>("--quick") { Description = quickDescription };
        var threads = CommonOptions.Threads();
        var command = new Command(name, description) { output, quick, threads };
        command.SetAction(parse => BenchStop.Guard(parse.InvocationConfiguration.Output, parse.GetValue(output)!, stop =>
        {
            string path = parse.GetValue(output)!;
            OutputLocation.RequireNewFile(path, "--out", overwrite: true);
            CommonOptions.ApplyThreads(parse.GetValue(threads));
            TextWriter console = parse.InvocationConfiguration.Output;
            console.WriteLine($"machine: {MachineInfo.Describe()}");
            string commandLine = $"fooling bench {name}" + (parse.GetValue(quick) ? " --quick" : "") + (parse.GetValue(threads) is int t ? $" --threads {t}" : "");
            string markdown = measure(stop, parse.GetValue(quick), commandLine, console);
            stop.Check();
            AtomicFile.WriteAllText(path, markdown);
            console.WriteLine($"wrote {path}");
            return FoolingApp.Success;
        }));
        return command;
    }
}
