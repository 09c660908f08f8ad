using System.CommandLine;
using FoolingCluster.Attacks.Reporting;
using FoolingCluster.Tensors.Serialization;

namespace FoolingCluster.Cli.Commands;

/// <summary>
/// <c>fooling robustness-table</c>: several <c>eval-robustness</c> runs in one table in the ABS
/// paper's form, with the paper's published rows under them.
/// </summary>
internal static class RobustnessTableCommand
{
    public static Command Build()
    {
        var runs = new Argument<string[]>("runs") { Description = "run folders of `fooling eval-robustness` (runs/<id>), one row each", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string?>("--out") { Description = "also write the table to this markdown file" };
        var overwrite = new Option<bool>("--overwrite") { Description = "replace an existing --out file" };
        var command = new Command("robustness-table", "Put several robustness evaluations side by side with the published figures of Schott et al. (2019).") { runs, output, overwrite };
        command.SetAction(parse =>
        {
            string[] folders = parse.GetValue(runs)!;
            string? path = parse.GetValue(output);
            if (path is not null)
            {
                OutputLocation.RequireNewFile(path, "--out", parse.GetValue(overwrite));
            }

            var measured = folders.Select(f => (RobustnessSummary.Read(f), Path.GetFileName(Path.TrimEndingDirectorySeparator(f)))).ToArray();
            string table = RobustnessReport.CombinedMarkdown(measured, PublishedRobustness.All);
            parse.InvocationConfiguration.Output.Write(table);
            if (path is not null)
            {
                AtomicFile.WriteAllText(path, table);
            }

            return FoolingApp.Success;
        });
        return command;
    }
}
