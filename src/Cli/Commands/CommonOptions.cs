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
}
