using System.CommandLine;
using FoolingCluster.Bench;

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
        engine.SetAction(parse =>
        {
            CommonOptions.ApplyThreads(parse.GetValue(threads));
            string? comparePath = parse.GetValue(compare);
            IReadOnlyDictionary<string, double>? reference = comparePath is null ? null : ReferenceFigures.Read(comparePath);
            TextWriter console = parse.InvocationConfiguration.Output;
            console.WriteLine($"machine: {MachineInfo.Describe()}");
            IReadOnlyList<Figure> figures = EngineBenchmark.Run(f => console.WriteLine(f.ToString()), parse.GetValue(quick));
            string path = parse.GetValue(output)!;
            string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
            if (dir is not null)
            {
                Directory.CreateDirectory(dir);
            }

            string command = "fooling bench engine" + (parse.GetValue(quick) ? " --quick" : "") + (parse.GetValue(threads) is int t ? $" --threads {t}" : "") + (comparePath is null ? "" : $" --compare {comparePath}");
            File.WriteAllText(path, EngineBenchmark.Markdown(figures, command, reference, "PyTorch 1.13 (same machine)"));
            console.WriteLine($"wrote {path}");
            return FoolingApp.Success;
        });
        return new Command("bench", "Benchmarks of the numerical engine.") { engine };
    }
}
