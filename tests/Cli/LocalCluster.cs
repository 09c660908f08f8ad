using System.Globalization;
using System.Net;
using System.Net.Sockets;
using FoolingCluster.Tests.Shared;

namespace FoolingCluster.Cli.Tests;

/// <summary>
/// A cluster of real <c>fooling</c> processes on this machine: its commands listen on 127.0.0.1 at
/// a port free when the cluster was made, workers join there, and every process still running is
/// killed when the test ends.
/// </summary>
internal sealed class LocalCluster : IDisposable
{
    /// <summary>How long a test waits for anything a process should do soon; generous, for a loaded machine.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(240);

    private readonly List<FoolingProcess> _processes = [];

    public LocalCluster()
    {
        Address = string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{FreePorts.Loopback()}");
    }

    /// <summary>The test's scratch folder: workers keep their model caches there; deleted after every process is killed.</summary>
    public TempDirectory Scratch { get; } = new();

    /// <summary>HOST:PORT the coordinating command listens on (<c>--cluster</c>) and workers join (<c>--join</c>).</summary>
    public string Address { get; }

    /// <summary>Everything every process printed, each under its command line.</summary>
    public string Output => FoolingProcess.Outputs(_processes);

    /// <summary>
    /// Starts <c>fooling worker --join</c> this cluster on one kernel thread, with its cache under
    /// the scratch folder; it keeps trying to join for 4 minutes, so it may start before the
    /// coordinator has loaded its model.
    /// </summary>
    public FoolingProcess Worker(string id) =>
        Start(
            new Dictionary<string, string> { ["FOOLING_JOIN_SECONDS"] = "240" },
            "worker", "--join", Address, "--threads", "1", "--id", id, "--cache", Scratch.File($"cache-{id}"));

    /// <summary>Starts <c>fooling coordinator</c> on <paramref name="args"/> (a configuration or <c>--resume</c>) listening at <see cref="Address"/>, its dashboard on any free port, on one kernel thread.</summary>
    public FoolingProcess Coordinator(params string[] args) =>
        Start(null, ["coordinator", .. args, "--cluster", Address, "--listen", "127.0.0.1:0", "--threads", "1"]);

    /// <summary>Starts <c>fooling <paramref name="args"/></c> as one of this cluster's processes (e.g. <c>eval-robustness --cluster</c> <see cref="Address"/>).</summary>
    public FoolingProcess Start(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        FoolingProcess process = FoolingProcess.Start(environment, args);
        process.Evidence = () => Output;
        _processes.Add(process);
        return process;
    }

    /// <summary>Waits for <paramref name="process"/> to end and fails with every process's output unless it exited 0.</summary>
    public void AssertSucceeds(FoolingProcess process)
    {
        int exit = process.WaitForExit(Patience, process.CommandLine);
        if (exit != 0)
        {
            Xunit.Assert.Fail($"{process.CommandLine} exited with {exit}\n{Output}");
        }
    }

    public void Dispose()
    {
        foreach (FoolingProcess process in _processes)
        {
            process.Dispose();
        }

        Scratch.Dispose();
    }

}
