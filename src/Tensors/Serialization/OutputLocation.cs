namespace FoolingCluster.Tensors.Serialization;

/// <summary>
/// Checks, before a command does any work, that it may write where the user asked and that it
/// would replace nothing the user did not agree to replace. Every failure is an
/// <see cref="InvalidInputException"/> naming the option, the path and the reason, so a long job
/// never ends in a file-system error after its work is done.
/// </summary>
public static class OutputLocation
{
    /// <summary>
    /// Checks that <paramref name="folder"/> is, or can be made, a folder this process can write
    /// in: it creates the folder and a probe file, then removes both again (the folders it made
    /// included), so a refused or failed command leaves nothing behind.
    /// </summary>
    /// <param name="folder">The folder the command writes to.</param>
    /// <param name="option">The option that names it, e.g. <c>--out</c>, for the message.</param>
    /// <exception cref="InvalidInputException">The path is a file, lies under a file, or cannot be written.</exception>
    public static void RequireWritableFolder(string folder, string option)
    {
        ArgumentNullException.ThrowIfNull(folder);
        string full = Path.GetFullPath(folder);
        if (File.Exists(full))
        {
            throw new InvalidInputException($"{option} {folder} is a file, not a folder");
        }

        string? existing = full;
        var missing = new List<string>();
        while (existing is not null && !Directory.Exists(existing))
        {
            if (File.Exists(existing))
            {
                throw new InvalidInputException($"{option} {folder} cannot be created: {existing} is a file");
            }

            missing.Add(existing);
            existing = Path.GetDirectoryName(existing);
        }

        try
        {
            Directory.CreateDirectory(full);
            string probe = Path.Combine(full, $".write-probe-{Guid.NewGuid():N}");
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1, FileOptions.DeleteOnClose))
            {
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidInputException($"{option} {folder} cannot be written: {ex.Message}", ex);
        }
        finally
        {
            // Deepest first: each folder made here is empty again once the probe is gone.
            foreach (string made in missing)
            {
                if (Directory.Exists(made) && !Directory.EnumerateFileSystemEntries(made).Any())
                {
                    Directory.Delete(made);
                }
            }
        }
    }

    /// <summary>
    /// Checks a folder a command fills with its results: it must be writable, and empty or
    /// missing unless <paramref name="overwrite"/> allows replacing the files in it.
    /// </summary>
    /// <exception cref="InvalidInputException">The folder holds files and overwriting was not asked for, or it cannot be written.</exception>
    public static void RequireFreshFolder(string folder, string option, bool overwrite)
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (!overwrite && Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any())
        {
            throw new InvalidInputException($"{option} {folder} is not empty and its files would be overwritten; choose another {option} or pass --overwrite");
        }

        RequireWritableFolder(folder, option);
    }

    /// <summary>
    /// Checks a single result file (and, through <paramref name="companions"/>, files written
    /// beside it such as a sidecar): none may exist unless <paramref name="overwrite"/>, none may
    /// be a folder, and their folder must be writable.
    /// </summary>
    /// <exception cref="InvalidInputException">A file exists and overwriting was not asked for, a path is a folder, or the folder cannot be written.</exception>
    public static void RequireNewFile(string path, string option, bool overwrite, params string[] companions)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(companions);
        foreach (string file in companions.Prepend(path))
        {
            if (Directory.Exists(file))
            {
                throw new InvalidInputException($"{option} {path}: {file} is a folder, not a file");
            }

            if (!overwrite && File.Exists(file))
            {
                throw new InvalidInputException($"{option} {path}: {file} exists already; choose another {option} or pass --overwrite to replace it");
            }
        }

        RequireWritableFolder(Path.GetDirectoryName(Path.GetFullPath(path))!, $"{option} {path}: its folder");
    }

    /// <summary>
    /// Refuses a result file whose name does not end in <paramref name="extension"/>, the format
    /// the command writes, so a slip such as <c>--out m.txt</c> is not saved under a name that
    /// every reader of that format would then refuse (or, for <c>.json</c>, overwrite with its sidecar).
    /// </summary>
    /// <param name="path">The file the user named.</param>
    /// <param name="option">The option that named it (<c>--out</c>).</param>
    /// <param name="extension">What it must end in, with the dot (<c>.safetensors</c>).</param>
    /// <param name="note">Said after the rule, e.g. where the sidecar goes; empty for nothing.</param>
    /// <exception cref="InvalidInputException">The name ends otherwise.</exception>
    public static void RequireExtension(string path, string option, string extension, string note = "")
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(extension);
        if (!path.EndsWith(extension, StringComparison.OrdinalIgnoreCase) || path.Length == extension.Length)
        {
            throw new InvalidInputException($"{option} {path} must end in {extension}{(note.Length == 0 ? string.Empty : $" ({note})")}");
        }
    }
}
