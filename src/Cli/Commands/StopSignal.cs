using System.Runtime.InteropServices;

namespace FoolingCluster.Cli.Commands;

/// <summary>
/// The signal that stopped this process's job, if one did: a stopped job exits 130 after SIGINT
/// (Ctrl-C, or a stop from the dashboard) and 143 after SIGTERM, as shells report 128 + the signal.
/// </summary>
internal static class StopSignal
{
    private static int _received;

    /// <summary>Whether SIGINT or SIGTERM has asked this process to stop.</summary>
    public static bool Received => Volatile.Read(ref _received) != 0;

    /// <summary>Remembers that <paramref name="signal"/> asked the job to stop.</summary>
    public static void Record(PosixSignal signal) =>
        Volatile.Write(ref _received, signal == PosixSignal.SIGTERM ? FoolingApp.Terminated : FoolingApp.Interrupted);

    /// <summary>The exit code of a job that stopped early: 143 after SIGTERM, otherwise 130.</summary>
    public static int ExitCode => Volatile.Read(ref _received) is int code and not 0 ? code : FoolingApp.Interrupted;
}
