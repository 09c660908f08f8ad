namespace FoolingCluster.Cli;

/// <summary>Entry point of the <c>fooling</c> command.</summary>
public static class Program
{
    /// <summary>Runs the command line; exit code 0 on success, 2 for bad input, 1 for a failure.</summary>
    public static int Main(string[] args) => FoolingApp.Run(args, Console.Out, Console.Error);
}
