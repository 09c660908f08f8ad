using System.Diagnostics;
using System.Globalization;
using System.Text;
using Xunit;

namespace FoolingCluster.Cli.Tests;

/// <summary>
/// The built <c>fooling</c> (the fooling.dll copied next to the test assembly) as a child process:
/// its output collected, signals sent to it with kill(1), and killed with its children when the
/// test is done, whatever happened. Every test that starts a real process uses this one helper.
/// </summary>
internal sealed class FoolingProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private FoolingProcess(Process process, string commandLine)
    {
        _process = process;
        CommandLine = commandLine;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary><c>fooling</c> and its arguments, naming the process in failure messages.</summary>
    public string CommandLine { get; }

    /// <summary>
    /// What a failed wait shows: this process's output, or, for a process of a
    /// <see cref="LocalCluster"/>, every process's (a worker that never joins is explained by
    /// its coordinator's output).
    /// </summary>
    public Func<string>? Evidence { get; set; }

    /// <summary>Everything written to stdout and stderr so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts <c>fooling <paramref name="args"/></c> with SIGINT at its default (a background shell may have it ignored).</summary>
    public static FoolingProcess Start(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "fooling.dll");
        Assert.True(File.Exists(dll), $"the built command is not next to the test assembly ({dll})");
        var start = new ProcessStartInfo { FileName = "env", RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        start.ArgumentList.Add("--default-signal=INT,TERM");
        start.ArgumentList.Add(DotnetHost());
        start.ArgumentList.Add(dll);
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach ((string name, string value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        return new FoolingProcess(Process.Start(start) ?? throw new InvalidOperationException("could not start fooling"), $"fooling {string.Join(' ', args)}");
    }

    /// <summary>What each of <paramref name="processes"/> printed, under its command line: the evidence a failed multi-process test shows.</summary>
    public static string Outputs(IEnumerable<FoolingProcess> processes) =>
        string.Join("\n", processes.Select(p => $"[{p.CommandLine}]{(p.HasExited ? $" exited with {p.ExitCode}" : "")}\n{p.Output}"));

    /// <summary>Sends <paramref name="signal"/> (INT, TERM, KILL) with kill(1).</summary>
    public void Signal(string signal)
    {
        using Process kill = Process.Start("kill", [$"-{signal}", _process.Id.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        Assert.True(kill.ExitCode == 0, $"kill -{signal} {_process.Id} failed with {kill.ExitCode}");
    }

    /// <summary>Waits for the exit, failing the test (with the output so far) after <paramref name="timeout"/>.</summary>
    public int WaitForExit(TimeSpan timeout, string what)
    {
        if (!_process.WaitForExit(timeout))
        {
            Assert.Fail($"{what}: no exit within {timeout.TotalSeconds:0} s; output so far:\n{EvidenceText}");
        }

        _process.WaitForExit(); // drains the redirected output
        return _process.ExitCode;
    }

    /// <summary>Waits until the output contains <paramref name="text"/>, failing if the process exits first or the time runs out.</summary>
    public void WaitForOutput(string text, TimeSpan timeout) =>
        WaitUntil(() => Output.Contains(text, StringComparison.Ordinal), timeout, $"printed '{text}'");

    /// <summary>Waits until <paramref name="condition"/> holds, failing if the process exits first or the time runs out.</summary>
    public void WaitUntil(Func<bool> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (_process.HasExited)
            {
                Assert.Fail($"{CommandLine} exited with {_process.ExitCode} before {what}; output:\n{EvidenceText}");
            }

            if (clock.Elapsed >= timeout)
            {
                Assert.Fail($"{CommandLine}: not {what} within {timeout.TotalSeconds:0} s; output:\n{EvidenceText}");
            }

            Thread.Sleep(50);
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    private string EvidenceText => Evidence?.Invoke() ?? Output;

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    private static string DotnetHost() =>
        Environment.ProcessPath is string self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self
        : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
}
