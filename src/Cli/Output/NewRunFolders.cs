using FoolingCluster.Cli.Commands;
using FoolingCluster.Models.Checkpoints;
using FoolingCluster.Runs;

namespace FoolingCluster.Cli.Output;

/// <summary>
/// The run folders one command has made, so that a command that fails before it has done any
/// work (a bad input found after its folder was made, a cluster that cannot be joined) leaves
/// no empty run folder behind. Commands running side by side in one process each see their own.
/// </summary>
internal static class NewRunFolders
{
    /// <summary>
    /// What a command writes into its folder before any work: the log, copies of its
    /// configuration and of the model it works on. A folder holding anything else holds results
    /// and is kept.
    /// </summary>
    private static readonly HashSet<string> s_setupFiles = new(StringComparer.Ordinal)
    {
        RunFolder.LogFile,
        RunFiles.Config,
        RunFiles.Model,
        RunFiles.OnnxModel,
        Path.GetFileName(ModelCheckpoint.SidecarPath(RunFiles.Model)),
        RetrainCommand.ConfigCopy,
        RetrainCommand.SearchCopy,
        RetrainCommand.TrainingCopy,
        EvalRobustnessCommand.PackedAbsFile,
        Path.GetFileName(ModelCheckpoint.SidecarPath(EvalRobustnessCommand.PackedAbsFile)),
    };

    private static readonly AsyncLocal<List<string>?> s_made = new();

    /// <summary>Marks an entry of the list as a parent folder (no path starts with a NUL character).</summary>
    private const string ParentMark = "\0parent:";

    /// <summary>Starts recording the folders made by the command about to run (on this flow of execution).</summary>
    public static List<string> Record()
    {
        var made = new List<string>();
        s_made.Value = made;
        return made;
    }

    /// <summary>Stops recording (the command has returned).</summary>
    public static void Stop() => s_made.Value = null;

    /// <summary>Notes a folder just made, when a command is being recorded.</summary>
    public static void Add(string path)
    {
        List<string>? made = s_made.Value;
        if (made is not null)
        {
            lock (made)
            {
                made.Add(path);
            }
        }
    }

    /// <summary>
    /// Notes a folder made only to hold run folders (a first <c>runs/</c>), when a command is being
    /// recorded: it is removed with them if it is left empty, and kept if it holds anything.
    /// </summary>
    public static void AddParent(string path) => Add(ParentMark + path);

    /// <summary>
    /// Removes each folder in <paramref name="made"/> that holds nothing but what a command writes
    /// before its work starts, then each parent it made that is left empty (last made, first removed).
    /// </summary>
    public static void RemoveUnstarted(List<string> made)
    {
        ArgumentNullException.ThrowIfNull(made);
        lock (made)
        {
            for (int i = made.Count - 1; i >= 0; i--)
            {
                try
                {
                    if (made[i].StartsWith(ParentMark, StringComparison.Ordinal))
                    {
                        string parent = made[i][ParentMark.Length..];
                        if (Directory.Exists(parent) && !Directory.EnumerateFileSystemEntries(parent).Any())
                        {
                            Directory.Delete(parent, recursive: false);
                        }
                    }
                    else if (Unstarted(made[i]))
                    {
                        Directory.Delete(made[i], recursive: true);
                    }
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    // Leaving a folder behind is the old behaviour, not a reason to hide the command's own error.
                }
            }

            made.Clear();
        }
    }

    private static bool Unstarted(string folder) =>
        Directory.Exists(folder)
        && !Directory.EnumerateDirectories(folder).Any()
        && Directory.EnumerateFiles(folder).All(file => s_setupFiles.Contains(Path.GetFileName(file)));
}
