using System.Diagnostics;
using System.Globalization;
using System.Text;
using FoolingCluster.Runs;
using FoolingCluster.Tests.Shared;
using Xunit;

namespace FoolingCluster.Cli.Tests;

/// <summary>Ctrl-C (SIGINT) on the real process: it stops between generations, saves everything, exits 130, and the run can be resumed.</summary>
[Collection(RunTestGroup.Name)]
public class RunCtrlCTests(TargetModelFixture target)
{
    [Fact]
    public void Sigint_stops_between_generations_saves_everything_exits_130_and_the_run_resumes()
    {
        Assert.True(OperatingSystem.IsLinux(), "this test sends SIGINT with kill(1) and reads /proc; it needs Linux");
        using var scratch = new TempDirectory();

        // No periodic snapshot: whatever snapshot and pictures exist after the signal were written by the stop.
        string config = RunTestSupport.WriteConfig(scratch, "search.json", "cppn", target.ModelPath, generations: 1_000_000, seed: 41, snapshotEvery: 1_000_000);
        string runs = scratch.File("runs");
        using Process child = StartFooling("run", config, "--runs", runs, "--threads", "1");
        var output = new StringBuilder();
        child.OutputDataReceived += (_, e) => Append(output, e.Data);
        child.ErrorDataReceived += (_, e) => Append(output, e.Data);
        child.BeginOutputReadLine();
        child.BeginErrorReadLine();
        string run;
        try
        {
            run = WaitForGenerations(child, runs, rows: 3, output, TimeSpan.FromSeconds(90));
            Assert.False(File.Exists(Path.Combine(run, RunFiles.Archive)), "archive.pb exists before the signal; the test could not tell that the stop wrote it");
            Signal(child.Id);
            if (!child.WaitForExit(TimeSpan.FromSeconds(30)))
            {
                Assert.Fail($"fooling run did not exit within 30 s of SIGINT; output so far:\n{Text(output)}");
            }

            child.WaitForExit(); // drains the redirected output
        }
        finally
        {
            if (!child.HasExited)
            {
                child.Kill(entireProcessTree: true);
            }
        }

        string printed = Text(output);
        Assert.True(child.ExitCode == 130, $"exit code {child.ExitCode}, expected 130; output:\n{printed}");
        foreach (string file in new[] { RunFiles.Archive, RunFiles.ElitesGrid, RunFiles.Report, RunFiles.History, RunFiles.ElitePng(0), RunFiles.ElitePng(9) })
        {
            Assert.True(File.Exists(Path.Combine(run, file)), $"{file} was not written when the run stopped");
        }

        string resumeHint = $"--resume {run}";
        Assert.Contains(resumeHint, File.ReadAllText(Path.Combine(run, "log.txt")));
        Assert.Contains(resumeHint, printed);

        // The snapshot is of the last generation in history.csv: nothing after the stop, nothing lost.
        List<GenerationRecord> history = RunTestSupport.History(run, 1_000_000);
        int last = history[^1].Generation;
        Assert.Equal(Enumerable.Range(0, last + 1), history.Select(r => r.Generation));
        Assert.Equal(last + 1, RunTestSupport.Snapshot(run).Generation);
        Assert.Equal(history[^1].CellConfidences, RunTestSupport.Snapshot(run).Elites.Select(e => e.Confidence));

        int extended = last + 3;
        (int exit, string resumed, string err) = RunTestSupport.Fooling("run", "--resume", run, "--generations", extended.ToString(CultureInfo.InvariantCulture), "--threads", "1");
        Assert.True(exit == 0, err);
        Assert.Contains($"generation {extended}:", resumed);
        Assert.Equal(Enumerable.Range(0, extended + 1), RunTestSupport.History(run, extended).Select(r => r.Generation));
        Assert.Equal(extended + 1, RunTestSupport.Snapshot(run).Generation);
    }

    /// <summary>
    /// Starts the built <c>fooling</c> (the fooling.dll copied next to the test assembly) as a
    /// child process with its output redirected. If this process ignores SIGINT (started in the
    /// background of a non-interactive shell), the child would inherit that, so SIGINT is reset
    /// to its default for it.
    /// </summary>
    [Fact]
    public void A_killed_run_resumes_from_its_journal_and_ends_where_an_uninterrupted_run_ends()
    {
        Assert.True(OperatingSystem.IsLinux(), "this test reads /proc; it needs Linux");
        using var scratch = new TempDirectory();

        // No periodic snapshot: after SIGKILL only the journal (journal.db) knows how far the run got. The
        // killed run is configured far longer than it lives, so it cannot finish (and write
        // its snapshot) before the kill; the comparison run stops at generation 30.
        string endless = RunTestSupport.WriteConfig(scratch, "endless.json", "cppn", target.ModelPath, generations: 1_000_000, seed: 43, snapshotEvery: 1_000_000);
        string config = RunTestSupport.WriteConfig(scratch, "search.json", "cppn", target.ModelPath, generations: 30, seed: 43, snapshotEvery: 1_000_000);
        string runs = scratch.File("runs");
        using Process child = StartFooling("run", endless, "--runs", runs, "--threads", "1");
        var output = new StringBuilder();
        child.OutputDataReceived += (_, e) => Append(output, e.Data);
        child.ErrorDataReceived += (_, e) => Append(output, e.Data);
        child.BeginOutputReadLine();
        child.BeginErrorReadLine();
        string run;
        try
        {
            run = WaitForGenerations(child, runs, rows: 8, output, TimeSpan.FromSeconds(90));
        }
        finally
        {
            child.Kill(entireProcessTree: true);
            child.WaitForExit();
        }

        Assert.False(File.Exists(Path.Combine(run, RunFiles.Archive)), "archive.pb exists; the kill came too late to test the journal");
        Assert.True(File.Exists(Path.Combine(run, RunFiles.Store)), "no journal.db after 8 generations");
        int reached = RunTestSupport.History(run, 30).Count;
        Assert.True(reached < 30, $"the run reached generation {reached - 1} before the kill; the test needs it killed before 30");

        (int exit, _, string err) = RunTestSupport.Fooling("run", "--resume", run, "--generations", "30", "--threads", "1");
        Assert.True(exit == 0, err);
        List<GenerationRecord> history = RunTestSupport.History(run, 30);
        Assert.Equal(Enumerable.Range(0, 31), history.Select(r => r.Generation));

        string straight = RunTestSupport.RunOnOneThread(config, scratch.File("straight"));
        RunTestSupport.AssertSameSearchState(RunTestSupport.Snapshot(straight), RunTestSupport.Snapshot(run));
        Assert.True(reached >= 8, $"the run had journaled {reached} generations when killed");
    }

    private static Process StartFooling(params string[] args)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "fooling.dll");
        Assert.True(File.Exists(dll), $"the built command is not next to the test assembly ({dll}); build tests/Cli, which references src/Cli and copies its output there");
        var start = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (SigintIgnoredHere())
        {
            start.FileName = "env";
            start.ArgumentList.Add("--default-signal=INT");
            start.ArgumentList.Add(DotnetHost());
        }
        else
        {
            start.FileName = DotnetHost();
        }

        start.ArgumentList.Add(dll);
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return Process.Start(start) ?? throw new InvalidOperationException($"could not start {start.FileName}");
    }

    /// <summary>The dotnet host running the tests, or the one on the PATH.</summary>
    private static string DotnetHost()
    {
        if (Environment.ProcessPath is string self && Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            return self;
        }

        return Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
    }

    /// <summary>Whether SIGINT is ignored in this process (and so in children it starts).</summary>
    private static bool SigintIgnoredHere()
    {
        string? line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        return line is not null && (ulong.Parse(line["SigIgn:".Length..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture) & (1UL << (2 - 1))) != 0;
    }

    /// <summary>Waits until the single run folder under <paramref name="runs"/> has <paramref name="rows"/> generations in history.csv.</summary>
    private static string WaitForGenerations(Process child, string runs, int rows, StringBuilder output, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (child.HasExited)
            {
                Assert.Fail($"fooling run exited with {child.ExitCode} before reaching generation {rows - 1}; output:\n{Text(output)}");
            }

            string[] folders = Directory.Exists(runs) ? Directory.GetDirectories(runs) : [];
            if (folders.Length == 1 && CompleteLines(Path.Combine(folders[0], RunFiles.History)) > rows)
            {
                return folders[0];
            }

            Thread.Sleep(50);
        }

        Assert.Fail($"history.csv did not reach {rows} generations within {timeout.TotalSeconds} s; output:\n{Text(output)}");
        return string.Empty;
    }

    /// <summary>Lines ended by a newline in a file another process is appending to (0 while it does not exist).</summary>
    private static int CompleteLines(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd().Count(c => c == '\n');
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private static void Signal(int pid)
    {
        using Process kill = Process.Start("kill", ["-INT", pid.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        Assert.True(kill.ExitCode == 0, $"kill -INT {pid} failed with {kill.ExitCode}");
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }

    private static string Text(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }
}
