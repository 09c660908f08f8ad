using System.CommandLine;
using FoolingCluster.Tensors;

namespace FoolingCluster.Cli.Commands;

/// <summary>Options several commands share.</summary>
internal static class CommonOptions
{
    public static Option<int?> Threads() => new("--threads") { Description = $"threads for the numerical kernels (default: all {Environment.ProcessorCount} cores)" };

    public static void ApplyThreads(int? threads)
    {
        if (threads is int t)
        {
            if (t < 1)
            {
                throw new InvalidInputException($"--threads must be at least 1 (got {t})");
            }

            Engine.Threads = t;
        }
    }

    /// <summary>The command as typed, for reports: <c>fooling</c> and its arguments, quoted where they hold spaces.</summary>
    public static string CommandLine(ParseResult parse) =>
        "fooling " + string.Join(" ", parse.Tokens.Select(token => Quote(token.Value)));

    private static string Quote(string value) => value.Length == 0 || value.Any(char.IsWhiteSpace) ? $"\"{value}\"" : value;
}
