using System.Buffers.Binary;
using FoolingCluster.Models.Imaging;

namespace FoolingCluster.Runs;

/// <summary>
/// The framing every append-only run file (<c>found.bin</c>, <c>journal.bin</c>) gives its
/// records: a little-endian uint32 payload length, the CRC-32 of the payload, then the payload.
/// The length lets a reader find the next record and notice a record cut short; the checksum
/// lets it notice one whose bytes changed. <see cref="FramedRecordReader"/> reads them back.
/// </summary>
public static class FramedRecords
{
    /// <summary>Bytes before each payload: length and checksum.</summary>
    public const int HeaderBytes = 8;

    /// <summary>Appends one framed record to <paramref name="stream"/>.</summary>
    /// <param name="payload">The record's bytes; never empty (an empty record is what a zero-filled tail looks like).</param>
    public static void Write(Stream stream, ReadOnlySpan<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (payload.IsEmpty)
        {
            throw new ArgumentException("a record has at least one byte", nameof(payload));
        }

        Span<byte> header = stackalloc byte[HeaderBytes];
        BinaryPrimitives.WriteUInt32LittleEndian(header, (uint)payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], Crc32.Compute(payload));
        stream.Write(header);
        stream.Write(payload);
    }
}
