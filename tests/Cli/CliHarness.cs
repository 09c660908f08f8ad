using FoolingCluster.Tests.Shared;

namespace FoolingCluster.Cli.Tests;

/// <summary>Runs the <c>fooling</c> command in-process and captures what it prints.</summary>
internal static class CliHarness
{
    public static (int Exit, string Out, string Err) Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        int exit = FoolingApp.Run(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    public static string Mnist => Path.Combine(RepositoryRoot.Find(), "data", "mnist");
}
