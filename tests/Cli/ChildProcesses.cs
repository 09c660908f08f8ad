using System.Diagnostics;
using System.Text;
using Xunit;

namespace FoolingCluster.Cli.Tests;

/// <summary>
/// The built <c>fooling</c> command run as child processes (workers, coordinators), each with its
/// output kept under a name; every one still running is killed, with its children, on dispose,
/// so a failed test leaves nothing behind.
/// </summary>
internal sealed class ChildProcesses : IDisposable
{
    private readonly List<Process> _processes = [];
    private readonly Dictionary<string, StringBuilder> _outputs = [];

    /// <summary>Starts <c>fooling <paramref name="args"/></c>; its output is kept under <paramref name="id"/>.</summary>
    public Process Start(string id, params string[] args)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "fooling.dll");
        Assert.True(File.Exists(dll), $"the built command is not next to the test assembly ({dll})");
        var start = new ProcessStartInfo { FileName = DotnetHost(), RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {id}");
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        lock (_outputs)
        {
            _outputs[id] = output;
        }

        _processes.Add(process);
        return process;
    }

    /// <summary>
    /// Runs <c>fooling <paramref name="args"/></c> to its end and returns its exit code and output;
    /// one still running after <paramref name="timeout"/> is killed and the test fails with every
    /// child's output.
    /// </summary>
    public (int Exit, string Output) Run(string id, TimeSpan timeout, params string[] args)
    {
        Process process = Start(id, args);
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            Assert.Fail($"{id} did not finish within {timeout.TotalSeconds:F0} s and was killed\n{Output()}");
        }

        process.WaitForExit(); // the asynchronous readers have drained the pipes once this returns
        return (process.ExitCode, Output(id));
    }

    /// <summary>What the child <paramref name="id"/> printed, or every child's output, each under its name.</summary>
    public string Output(string? id = null)
    {
        lock (_outputs)
        {
            IEnumerable<KeyValuePair<string, StringBuilder>> which = id is null ? _outputs : _outputs.Where(o => o.Key == id);
            return string.Join("\n", which.Select(o => { lock (o.Value) { return $"[{o.Key}]\n{o.Value}"; } }));
        }
    }

    public void Dispose()
    {
        foreach (Process process in _processes)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
            }

            process.Dispose();
        }
    }

    private static string DotnetHost() =>
        Environment.ProcessPath is string self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self
        : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
}
