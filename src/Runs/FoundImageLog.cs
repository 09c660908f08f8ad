using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using FoolingCluster.Evolution.Genomes;
using FoolingCluster.Models.Data;
using FoolingCluster.Models.Imaging;
using FoolingCluster.Tensors.Serialization;

namespace FoolingCluster.Runs;

/// <summary>
/// <c>found.bin</c>: an append-only log of every distinct image whose top probability reached
/// the record threshold, for export as a retraining set; <see cref="FoundImageFormat"/> gives
/// its bytes. Every record carries its length and checksum, so a record torn by a crash or
/// damaged on disk is found, reported and, when the log is reopened for appending, cut off.
/// </summary>
public sealed class FoundImageLog : IDisposable
{
    /// <summary>Suffix of the file that keeps the bytes cut off a damaged log, for whoever wants to look at them.</summary>
    public const string DamagedSuffix = ".damaged";

    private readonly FileStream _stream;
    private readonly HashSet<UInt128> _seen = [];
    private readonly ImageShape _shape;

    private FoundImageLog(FileStream stream, ImageShape shape)
    {
        _stream = stream;
        _shape = shape;
    }

    /// <summary>Distinct images recorded.</summary>
    public int Count => _seen.Count;

    /// <summary>
    /// Opens (or creates) the log at <paramref name="path"/> for appending. A log of the earlier
    /// format is first rewritten with checksums; a torn or damaged tail is cut off (a damaged
    /// one kept beside it in <c>found.bin.damaged</c>) after telling <paramref name="warn"/>.
    /// </summary>
    /// <exception cref="DataFormatException">The file exists but is not a found-image log of this shape.</exception>
    public static FoundImageLog Open(string path, ImageShape shape, Action<string>? warn = null)
    {
        var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        try
        {
            // A file shorter than its header was cut off before its first record: start afresh.
            if (stream.Length < FoundImageFormat.HeaderBytes)
            {
                stream.SetLength(0);
                FoundImageFormat.WriteHeader(stream, shape);
                stream.Flush();
                return new FoundImageLog(stream, shape);
            }

            if (new FoundImageScan(stream, path, shape).Legacy)
            {
                stream.Dispose();
                Upgrade(path, shape, warn);
                stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
            }

            var log = new FoundImageLog(stream, shape);
            var scan = new FoundImageScan(stream, path, shape);
            foreach (FoundImage image in scan.Images())
            {
                log._seen.Add(Key(image.Pixels));
            }

            if (scan.Damage is RecordDamage damage)
            {
                string cut = CutOff(stream, path, damage);
                warn?.Invoke(cut);
            }

            stream.Seek(0, SeekOrigin.End);
            return log;
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Appends the image unless an identical one is already recorded.</summary>
    /// <param name="image">Planar <c>[C,H,W]</c> floats, already 8-bit exact.</param>
    /// <returns>Whether it was new.</returns>
    public bool Add(ReadOnlySpan<float> image, int label, float confidence, int generation)
    {
        if (image.Length != _shape.Size)
        {
            throw new ArgumentException($"a {_shape} image has {_shape.Size} values (got {image.Length})", nameof(image));
        }

        var pixels = new byte[_shape.Size];
        for (int i = 0; i < pixels.Length; i++)
        {
            pixels[i] = PixelQuantizer.ToByte(image[i]);
        }

        return Append(pixels, label, confidence, generation);
    }

    /// <summary>Appends an already 8-bit image unless an identical one is recorded.</summary>
    /// <returns>Whether it was new.</returns>
    public bool Add(FoundImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.Pixels.Length != _shape.Size)
        {
            throw new ArgumentException($"a {_shape} image has {_shape.Size} pixels (got {image.Pixels.Length})", nameof(image));
        }

        return Append(image.Pixels, image.Label, image.Confidence, image.Generation);
    }

    /// <summary>Pushes appended records to disk.</summary>
    public void Flush() => _stream.Flush(flushToDisk: false);

    /// <inheritdoc/>
    public void Dispose() => _stream.Dispose();

    /// <summary>
    /// Reads every intact record of the log at <paramref name="path"/>: those before the first
    /// torn or damaged one, which <paramref name="warn"/> is told about. The file is not changed.
    /// </summary>
    /// <exception cref="DataFormatException">Not a found-image log, or of another shape than <paramref name="shape"/>.</exception>
    public static IReadOnlyList<FoundImage> Read(string path, ImageShape shape, Action<string>? warn = null)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var scan = new FoundImageScan(stream, path, shape);
        List<FoundImage> images = [.. scan.Images()];
        if (scan.Damage is RecordDamage damage)
        {
            warn?.Invoke(damage.ToString());
        }

        return images;
    }

    private bool Append(byte[] pixels, int label, float confidence, int generation)
    {
        if (!_seen.Add(Key(pixels)))
        {
            return false;
        }

        FramedRecords.Write(_stream, FoundImageFormat.Encode(label, confidence, generation, pixels));
        return true;
    }

    /// <summary>Rewrites a log of the earlier format with checksums, keeping its intact records.</summary>
    private static void Upgrade(string path, ImageShape shape, Action<string>? warn)
    {
        using AtomicFile upgraded = AtomicFile.Create(path);
        FoundImageFormat.WriteHeader(upgraded.Stream, shape);
        using (var old = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        {
            var scan = new FoundImageScan(old, path, shape);
            foreach (FoundImage image in scan.Images())
            {
                FramedRecords.Write(upgraded.Stream, FoundImageFormat.Encode(image.Label, image.Confidence, image.Generation, image.Pixels));
            }

            if (scan.Damage is RecordDamage damage)
            {
                string cut = CutOff(old, path, damage);
                warn?.Invoke(cut);
            }

            warn?.Invoke(string.Create(CultureInfo.InvariantCulture, $"{path}: written before found-image records carried checksums; rewrote its {scan.Count:N0} records with them"));
        }

        upgraded.Commit();
    }

    /// <summary>
    /// Cuts a damaged tail off an open log (keeping its bytes beside it unless it is merely torn)
    /// so new records append cleanly; a stream opened only for reading is left as it is.
    /// </summary>
    /// <returns>The line to report.</returns>
    private static string CutOff(FileStream stream, string path, RecordDamage damage)
    {
        string kept = "";
        if (!damage.Torn)
        {
            string aside = path + DamagedSuffix;
            using (var tail = new FileStream(aside, FileMode.Create, FileAccess.Write))
            {
                stream.Position = damage.Offset;
                stream.CopyTo(tail);
            }

            kept = $" (its bytes are kept in {aside})";
        }

        if (stream.CanWrite)
        {
            stream.SetLength(damage.Offset);
        }

        return $"{damage}{kept}; cut it off so new records append cleanly";
    }

    private static UInt128 Key(ReadOnlySpan<byte> pixels)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(pixels, hash);
        return BinaryPrimitives.ReadUInt128LittleEndian(hash);
    }
}
