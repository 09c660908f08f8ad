using FoolingCluster.Tensors;
using FoolingCluster.Tensors.Serialization;

namespace FoolingCluster.Runs.Export;

/// <summary>
/// The folder an export is written to, and the rule for replacing one: only a folder that an
/// earlier export marked (with <see cref="MarkerFile"/>) or an empty one is ever replaced, and
/// never the run being exported or a folder that holds it.
/// </summary>
public static class ExportFolder
{
    /// <summary>File an export leaves in its folder so that a later <c>--overwrite</c> knows the folder is its own.</summary>
    public const string MarkerFile = ".fooling-export";

    /// <summary>
    /// Checks, before anything is computed or deleted, that an export of <paramref name="runFolder"/>
    /// may be written to <paramref name="folder"/>.
    /// </summary>
    /// <exception cref="InvalidInputException">The folder holds the run, holds other files, or cannot be written.</exception>
    public static void Check(string folder, string runFolder, bool overwrite)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(runFolder);
        string target = Normalise(folder);
        string run = Normalise(runFolder);
        if (string.Equals(run, target, StringComparison.Ordinal) || run.StartsWith(target + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new InvalidInputException($"--out {folder} is or holds the run {runFolder} being exported; write the export to a folder outside it");
        }

        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
        {
            if (!overwrite)
            {
                throw new InvalidInputException($"{folder} is not empty; choose another --out or pass --overwrite to replace an earlier export there");
            }

            if (!File.Exists(Path.Combine(target, MarkerFile)))
            {
                throw new InvalidInputException($"{folder} is not empty and was not written by an export (it has no {MarkerFile}); --overwrite replaces only earlier exports, so choose another --out");
            }
        }

        OutputLocation.RequireWritableFolder(folder, "--out");
    }

    /// <summary>
    /// A fresh name beside <paramref name="folder"/> to write the export under, so that a failed
    /// export leaves no half-written folder and an earlier export stays whole until the new one is.
    /// </summary>
    public static string Partial(string folder)
    {
        string target = Normalise(folder);
        return Path.Combine(Path.GetDirectoryName(target)!, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.partial");
    }

    /// <summary>
    /// Marks the finished export in <paramref name="partial"/> as an export and puts it in place of
    /// <paramref name="folder"/>, which <see cref="Check"/> made sure is absent, empty or an earlier export.
    /// </summary>
    public static void Replace(string folder, string partial, string runFolder)
    {
        AtomicFile.WriteAllText(Path.Combine(partial, MarkerFile), $"written by fooling export from {Path.GetFullPath(runFolder)}\n");
        if (Directory.Exists(folder))
        {
            if (Directory.EnumerateFileSystemEntries(folder).Any() && !File.Exists(Path.Combine(folder, MarkerFile)))
            {
                throw new InvalidInputException($"{folder} was filled by something else while the export was written; the export is left in {partial}");
            }

            Directory.Delete(folder, recursive: true);
        }

        Directory.Move(partial, folder);
    }

    private static string Normalise(string path) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
}
