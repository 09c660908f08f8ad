using System.Buffers.Binary;
using System.Security.Cryptography;
using FoolingCluster.Evolution.Genomes;
using FoolingCluster.Models.Data;
using FoolingCluster.Models.Imaging;

namespace FoolingCluster.Evolution.Runs;

/// <summary>
/// <c>found.bin</c>: an append-only log of every distinct image whose top probability reached
/// the record threshold, for export as a retraining set. Layout: the magic "FCFOUND1", then
/// int32 C, H, W (little-endian), then records of int32 label, float32 confidence, int32
/// generation and C·H·W bytes. A record torn by a crash is cut off when the log is reopened.
/// </summary>
public sealed class FoundImageLog : IDisposable
{
    private static readonly byte[] s_magic = "FCFOUND1"u8.ToArray();
    private const int HeaderSize = 8 + 12;
    private const int RecordHeader = 12;

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

    /// <summary>Opens (or creates) the log at <paramref name="path"/> for appending.</summary>
    /// <exception cref="DataFormatException">The file exists but is not a found-image log of this shape.</exception>
    public static FoundImageLog Open(string path, ImageShape shape)
    {
        var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        var log = new FoundImageLog(stream, shape);
        try
        {
            // A file shorter than its header was cut off before its first record: start afresh.
            if (stream.Length < HeaderSize)
            {
                stream.SetLength(0);
                Span<byte> header = stackalloc byte[HeaderSize];
                WriteHeader(header, shape);
                stream.Write(header);
                stream.Flush();
            }
            else
            {
                long valid = HeaderSize;
                foreach (FoundImage image in ReadAll(path, stream, shape, r => valid = r))
                {
                    log._seen.Add(Key(image.Pixels));
                }

                stream.SetLength(valid);
                stream.Seek(0, SeekOrigin.End);
            }
        }
        catch
        {
            stream.Dispose();
            throw;
        }

        return log;
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

    private bool Append(byte[] pixels, int label, float confidence, int generation)
    {
        if (!_seen.Add(Key(pixels)))
        {
            return false;
        }

        Span<byte> head = stackalloc byte[RecordHeader];
        BinaryPrimitives.WriteInt32LittleEndian(head, label);
        BinaryPrimitives.WriteSingleLittleEndian(head[4..], confidence);
        BinaryPrimitives.WriteInt32LittleEndian(head[8..], generation);
        _stream.Write(head);
        _stream.Write(pixels);
        return true;
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

    /// <summary>Reads every complete record of the log at <paramref name="path"/>.</summary>
    /// <exception cref="DataFormatException">Not a found-image log, or of another shape than <paramref name="shape"/>.</exception>
    public static IReadOnlyList<FoundImage> Read(string path, ImageShape shape)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return ReadAll(path, stream, shape, _ => { }).ToList();
    }

    private static IEnumerable<FoundImage> ReadAll(string path, FileStream stream, ImageShape shape, Action<long> validLength)
    {
        stream.Seek(0, SeekOrigin.Begin);
        var header = new byte[HeaderSize];
        if (stream.ReadAtLeast(header, HeaderSize, throwOnEndOfStream: false) < HeaderSize || !header.AsSpan(0, 8).SequenceEqual(s_magic))
        {
            throw new DataFormatException(path, "not a found-image log (bad magic or header)");
        }

        var fileShape = new ImageShape(
            BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(8)),
            BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(12)),
            BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(16)));
        if (fileShape != shape)
        {
            throw new DataFormatException(path, $"holds {fileShape} images, expected {shape}");
        }

        var record = new byte[RecordHeader + shape.Size];
        long position = HeaderSize;
        while (stream.ReadAtLeast(record, record.Length, throwOnEndOfStream: false) == record.Length)
        {
            position += record.Length;
            validLength(position);
            yield return new FoundImage(
                BinaryPrimitives.ReadInt32LittleEndian(record),
                BinaryPrimitives.ReadSingleLittleEndian(record.AsSpan(4)),
                BinaryPrimitives.ReadInt32LittleEndian(record.AsSpan(8)),
                record.AsSpan(RecordHeader).ToArray());
        }
    }

    private static void WriteHeader(Span<byte> header, ImageShape shape)
    {
        s_magic.CopyTo(header);
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], shape.Channels);
        BinaryPrimitives.WriteInt32LittleEndian(header[12..], shape.Height);
        BinaryPrimitives.WriteInt32LittleEndian(header[16..], shape.Width);
    }

    private static UInt128 Key(ReadOnlySpan<byte> pixels)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(pixels, hash);
        return BinaryPrimitives.ReadUInt128LittleEndian(hash);
    }
}
