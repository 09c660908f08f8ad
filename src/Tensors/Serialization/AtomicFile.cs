namespace FoolingCluster.Tensors.Serialization;

/// <summary>
/// A file written beside its destination under a unique name and renamed over it on
/// <see cref="Commit"/>; disposed without committing, it is deleted and the destination is untouched.
/// </summary>
public sealed class AtomicFile : IDisposable
{
    private readonly string _destination;
    private readonly string _temporary;
    private bool _committed;

    private AtomicFile(string destination, string temporary, FileStream stream)
    {
        _destination = destination;
        _temporary = temporary;
        Stream = stream;
    }

    /// <summary>The stream to write to.</summary>
    public FileStream Stream { get; }

    /// <summary>Opens a temporary file beside <paramref name="path"/>.</summary>
    public static AtomicFile Create(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string destination = Path.GetFullPath(path);
        string temporary = $"{destination}.{Guid.NewGuid():N}.tmp";
        var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16);
        return new AtomicFile(destination, temporary, stream);
    }

    /// <summary>Writes <paramref name="text"/> (UTF-8) to <paramref name="path"/> atomically: readers see the old file or the whole new one, never a part.</summary>
    public static void WriteAllText(string path, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        WriteAllBytes(path, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(text));
    }

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> atomically (see <see cref="WriteAllText"/>), creating its folder if needed.</summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        ArgumentNullException.ThrowIfNull(path);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        using AtomicFile file = Create(path);
        file.Stream.Write(bytes);
        file.Commit();
    }

    /// <summary>Flushes, closes and renames the file over the destination.</summary>
    public void Commit()
    {
        Stream.Dispose();
        File.Move(_temporary, _destination, overwrite: true);
        _committed = true;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Stream.Dispose();
        if (!_committed)
        {
            File.Delete(_temporary);
        }
    }
}
