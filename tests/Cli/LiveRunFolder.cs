using FoolingCluster.Runs;

namespace FoolingCluster.Cli.Tests;

/// <summary>Watching the run folder of a search that another process is running.</summary>
internal static class LiveRunFolder
{
    /// <summary>The single run folder under <paramref name="runs"/> once its history.csv has <paramref name="rows"/> generations; null before.</summary>
    public static string? WithHistory(string runs, int rows)
    {
        string[] folders = Directory.Exists(runs) ? Directory.GetDirectories(runs) : [];
        if (folders.Length != 1)
        {
            return null;
        }

        try
        {
            // Shared for writing: the run appends to it while it is read.
            using var stream = new FileStream(Path.Combine(folders[0], RunFiles.History), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd().Count(c => c == '\n') > rows ? folders[0] : null;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
