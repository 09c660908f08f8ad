using System.Globalization;
using FoolingCluster.Tensors.Serialization;
using Serilog;
using Serilog.Core;

namespace FoolingCluster.Cli.Output;

/// <summary>
/// <c>runs/&lt;run-id&gt;/</c>: the folder one command's outputs and log go to. The id sorts by
/// time and says what ran, e.g. <c>20261121-101500-train-lenet</c>.
/// </summary>
internal sealed class RunFolder : IDisposable
{
    private RunFolder(string path, Logger log, TextWriter console)
    {
        Path = path;
        Log = log;
        Console = console;
    }

    /// <summary>File name of the log in each run folder.</summary>
    public const string LogFile = "log.txt";

    /// <summary>Where live status lines go.</summary>
    public TextWriter Console { get; }

    /// <summary>Absolute path of the folder.</summary>
    public string Path { get; }

    /// <summary>Logger writing to the console and to <c>log.txt</c> in the folder.</summary>
    public Logger Log { get; }

    /// <summary>The run id (the folder's name).</summary>
    public string Id => System.IO.Path.GetFileName(Path);

    /// <summary>
    /// Creates a fresh folder under <paramref name="runsRoot"/> and opens its log. Should the
    /// command fail before its work starts, <see cref="NewRunFolders"/> removes the folder again,
    /// and <paramref name="runsRoot"/> too when this call made it and it is left empty.
    /// </summary>
    /// <exception cref="Tensors.InvalidInputException"><paramref name="runsRoot"/> is a file, lies under one, or cannot be written.</exception>
    public static RunFolder Create(string runsRoot, string kind, string name, TextWriter console)
    {
        // The folders this call makes to hold the run folder (a first run's runs/) go on the list
        // before it, so that a command failing before its work removes them too if left empty.
        var parents = new Stack<string>();
        for (string? parent = System.IO.Path.GetFullPath(runsRoot); parent is not null && !Directory.Exists(parent) && !System.IO.File.Exists(parent); parent = System.IO.Path.GetDirectoryName(parent))
        {
            parents.Push(parent);
        }

        foreach (string parent in parents)
        {
            NewRunFolders.AddParent(parent);
        }

        OutputLocation.RequireWritableFolder(runsRoot, "--runs");
        string stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        string baseName = $"{stamp}-{kind}-{name}";
        string path = System.IO.Path.GetFullPath(System.IO.Path.Combine(runsRoot, baseName));
        for (int i = 2; Directory.Exists(path); i++)
        {
            path = System.IO.Path.GetFullPath(System.IO.Path.Combine(runsRoot, $"{baseName}-{i}"));
        }

        Directory.CreateDirectory(path);
        NewRunFolders.Add(path);
        return Open(path, console);
    }

    /// <summary>Opens an existing run folder, appending to its log (a resumed run).</summary>
    public static RunFolder Open(string path, TextWriter console)
    {
        path = System.IO.Path.GetFullPath(path);
        Logger log = new LoggerConfiguration()
            .MinimumLevel.Debug()
            .WriteTo.Sink(new TextWriterSink(console, Serilog.Events.LogEventLevel.Information))
            .WriteTo.File(System.IO.Path.Combine(path, LogFile), outputTemplate: "{Timestamp:yyyy-MM-dd HH:mm:ss.fff} [{Level:u3}] {Message:lj}{NewLine}{Exception}", formatProvider: CultureInfo.InvariantCulture)
            .CreateLogger();
        return new RunFolder(path, log, console);
    }

    /// <summary>A path inside the folder.</summary>
    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Flushes and closes the log.</summary>
    public void Dispose() => Log.Dispose();
}
