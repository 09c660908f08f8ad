using System.Buffers.Binary;
using System.Globalization;
using FoolingCluster.Evolution.Genomes;
using FoolingCluster.Models.Data;

namespace FoolingCluster.Runs;

/// <summary>
/// The bytes of <c>found.bin</c>. A 20-byte header: the magic "FCFOUND2", then int32 C, H, W
/// (little-endian). Then one <see cref="FramedRecords"/> record per image, whose payload is
/// int32 label, float32 confidence, int32 generation and the C·H·W pixel bytes. Logs written
/// before records carried checksums have the magic "FCFOUND1" and bare payloads one after
/// another; they are still read.
/// </summary>
public static class FoundImageFormat
{
    /// <summary>Bytes of the header.</summary>
    public const int HeaderBytes = 8 + 12;

    /// <summary>Bytes of a payload before its pixels: label, confidence, generation.</summary>
    public const int RecordHeaderBytes = 12;

    private static readonly byte[] s_magic = "FCFOUND2"u8.ToArray();
    private static readonly byte[] s_legacyMagic = "FCFOUND1"u8.ToArray();

    /// <summary>Writes the header of a log of <paramref name="shape"/> images.</summary>
    public static void WriteHeader(Stream stream, ImageShape shape)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<byte> header = stackalloc byte[HeaderBytes];
        s_magic.CopyTo(header);
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], shape.Channels);
        BinaryPrimitives.WriteInt32LittleEndian(header[12..], shape.Height);
        BinaryPrimitives.WriteInt32LittleEndian(header[16..], shape.Width);
        stream.Write(header);
    }

    /// <summary>Reads and checks the header at the start of <paramref name="stream"/>.</summary>
    /// <returns>Whether the log is of the earlier format without checksums.</returns>
    /// <exception cref="DataFormatException">Not a found-image log, or of another shape than <paramref name="shape"/>.</exception>
    public static bool ReadHeader(Stream stream, string path, ImageShape shape)
    {
        ArgumentNullException.ThrowIfNull(stream);
        stream.Seek(0, SeekOrigin.Begin);
        var header = new byte[HeaderBytes];
        int read = stream.ReadAtLeast(header, HeaderBytes, throwOnEndOfStream: false);
        bool legacy = header.AsSpan(0, 8).SequenceEqual(s_legacyMagic);
        if (read < HeaderBytes || !(legacy || header.AsSpan(0, 8).SequenceEqual(s_magic)))
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

        return legacy;
    }

    /// <summary>Bytes of one record's payload for <paramref name="shape"/>.</summary>
    public static int PayloadBytes(ImageShape shape) => RecordHeaderBytes + shape.Size;

    /// <summary>The payload of one record.</summary>
    public static byte[] Encode(int label, float confidence, int generation, ReadOnlySpan<byte> pixels)
    {
        var payload = new byte[RecordHeaderBytes + pixels.Length];
        BinaryPrimitives.WriteInt32LittleEndian(payload, label);
        BinaryPrimitives.WriteSingleLittleEndian(payload.AsSpan(4), confidence);
        BinaryPrimitives.WriteInt32LittleEndian(payload.AsSpan(8), generation);
        pixels.CopyTo(payload.AsSpan(RecordHeaderBytes));
        return payload;
    }

    /// <summary>The image in a payload of <see cref="PayloadBytes"/> bytes.</summary>
    public static FoundImage Decode(ReadOnlySpan<byte> payload) => new(
        BinaryPrimitives.ReadInt32LittleEndian(payload),
        BinaryPrimitives.ReadSingleLittleEndian(payload[4..]),
        BinaryPrimitives.ReadInt32LittleEndian(payload[8..]),
        payload[RecordHeaderBytes..].ToArray());

    /// <summary>
    /// What makes <paramref name="image"/> impossible as a search's record (null: nothing): the
    /// only check a record without a checksum gets, and a second one for a record with one.
    /// </summary>
    public static string? Implausible(FoundImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        return image.Label is < 0 or > byte.MaxValue || !(image.Confidence is >= 0f and <= 1f) || image.Generation < 0
            ? string.Create(CultureInfo.InvariantCulture, $"impossible values: label {image.Label}, confidence {image.Confidence}, generation {image.Generation}")
            : null;
    }
}
