using System.CommandLine;
using FoolingCluster.Attacks.Reporting;
using FoolingCluster.Tensors;

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
        var command = new Command("robustness-table", "Put several robustness evaluations side by side with the published figures of Schott et al. (2019).") { runs, output };
        command.SetAction(parse =>
        {
            string[] folders = parse.GetValue(runs)!;
            var measured = folders.Select(f => (RobustnessSummary.Read(f), Path.GetFileName(Path.TrimEndingDirectorySeparator(f)))).ToArray();
            string table = RobustnessReport.CombinedMarkdown(measured, PublishedRobustness.All);
            parse.InvocationConfiguration.Output.Write(table);
            if (parse.GetValue(output) is string path)
            {
                string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
                if (directory is not null && !Directory.Exists(directory))
                {
                    throw new InvalidInputException($"--out: the folder {directory} does not exist");
                }

                File.WriteAllText(path, table);
            }

            return FoolingApp.Success;
        });
        return command;
    }
}
