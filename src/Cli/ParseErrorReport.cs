using System.CommandLine;

namespace FoolingCluster.Cli;

/// <summary>Explains a command line that did not parse: what was wrong and what is valid here.</summary>
internal static class ParseErrorReport
{
    /// <summary>Writes the parser's errors and <paramref name="problems"/> (see <see cref="CommandLineChecks"/>), then what is valid here.</summary>
    public static void Write(ParseResult parse, IReadOnlyList<string> problems, TextWriter stderr)
    {
        foreach (System.CommandLine.Parsing.ParseError error in parse.Errors.Where(e => !CommandLineChecks.IsRedundant(e, parse.Errors)))
        {
            stderr.WriteLine($"error: {CommandLineChecks.Reword(error)}");
        }

        foreach (string problem in problems)
        {
            stderr.WriteLine($"error: {problem}");
        }

        Command command = parse.CommandResult.Command;
        string path = CommandPath(parse);
        if (command.Subcommands.Count > 0)
        {
            stderr.WriteLine($"valid commands for '{path}': {string.Join(", ", command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name))}");
        }

        IEnumerable<string> options = command.Options
            .Concat(Ancestors(parse).SelectMany(c => c.Options.Where(o => o.Recursive)))
            .Where(o => !o.Hidden)
            .Select(o => o.Name)
            .Distinct(StringComparer.Ordinal);
        stderr.WriteLine($"valid options for '{path}': {string.Join(", ", options)}");
        stderr.WriteLine($"run '{path} --help' for details.");
    }

    private static string CommandPath(ParseResult parse)
    {
        var names = new List<string>();
        for (System.CommandLine.Parsing.SymbolResult? r = parse.CommandResult; r is not null; r = r.Parent)
        {
            if (r is System.CommandLine.Parsing.CommandResult cr)
            {
                names.Add(cr.Command is RootCommand ? "fooling" : cr.Command.Name);
            }
        }

        names.Reverse();
        return string.Join(" ", names);
    }

    private static IEnumerable<Command> Ancestors(ParseResult parse)
    {
        for (System.CommandLine.Parsing.SymbolResult? r = parse.CommandResult.Parent; r is not null; r = r.Parent)
        {
            if (r is System.CommandLine.Parsing.CommandResult cr)
            {
                yield return cr.Command;
            }
        }
    }
}
