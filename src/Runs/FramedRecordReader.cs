using System.Buffers.Binary;
using System.Globalization;
using FoolingCluster.Models.Imaging;

namespace FoolingCluster.Runs;

/// <summary>
/// Reads the records of <see cref="FramedRecords"/> one by one, checking each one's length and
/// checksum, and stops at the first that is incomplete or damaged: <see cref="Damage"/> then says
/// which it is and where, and <see cref="IntactLength"/> where the intact part ends. It never
/// throws for what it finds in the file.
/// </summary>
public sealed class FramedRecordReader
{
    private readonly Stream _stream;
    private readonly string _path;
    private readonly int _minPayload;
    private readonly int _maxPayload;
    private long _position;
    private long _lastStart;

    /// <summary>Reads from <paramref name="start"/> (after any file header) to the end of <paramref name="stream"/>.</summary>
    /// <param name="stream">A readable, seekable stream.</param>
    /// <param name="path">The file, to name in <see cref="Damage"/>.</param>
    /// <param name="start">Offset of the first record.</param>
    /// <param name="minPayload">Smallest plausible payload, at least 1.</param>
    /// <param name="maxPayload">Largest plausible payload; equal to <paramref name="minPayload"/> for records of one size.</param>
    public FramedRecordReader(Stream stream, string path, long start, int minPayload, int maxPayload)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfLessThan(minPayload, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPayload, minPayload);
        _stream = stream;
        _path = path;
        _minPayload = minPayload;
        _maxPayload = maxPayload;
        _position = start;
        _lastStart = start;
    }

    /// <summary>Intact records read so far.</summary>
    public int Count { get; private set; }

    /// <summary>Byte offset just past the last intact record: the length to cut the file to.</summary>
    public long IntactLength => _position;

    /// <summary>The first bad record, once reading has stopped at one; null while all were intact.</summary>
    public RecordDamage? Damage { get; private set; }

    /// <summary>The next intact record's payload; null at the end of the file or at the first bad record.</summary>
    public byte[]? Next()
    {
        if (Damage is not null)
        {
            return null;
        }

        long remaining = _stream.Length - _position;
        if (remaining <= 0)
        {
            return null;
        }

        _stream.Position = _position;
        if (remaining < FramedRecords.HeaderBytes)
        {
            return Stop(Text($"only {remaining} of its {FramedRecords.HeaderBytes} header bytes"), torn: true);
        }

        Span<byte> header = stackalloc byte[FramedRecords.HeaderBytes];
        _stream.ReadExactly(header);
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(header);
        uint crc = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
        if (length < _minPayload || length > _maxPayload)
        {
            string expected = _minPayload == _maxPayload ? Text($"{_minPayload:N0}") : Text($"{_minPayload:N0} to {_maxPayload:N0}");
            return Stop(Text($"length {length:N0}, expected {expected}"), torn: false);
        }

        if (remaining - FramedRecords.HeaderBytes < length)
        {
            return Stop(Text($"only {remaining - FramedRecords.HeaderBytes:N0} of its {length:N0} bytes"), torn: true);
        }

        var payload = new byte[length];
        _stream.ReadExactly(payload);
        if (Crc32.Compute(payload) != crc)
        {
            return Stop("checksum mismatch", torn: false);
        }

        _lastStart = _position;
        _position += FramedRecords.HeaderBytes + length;
        Count++;
        return payload;
    }

    /// <summary>
    /// Declares the record <see cref="Next"/> just returned bad after all (its checksum holds but
    /// its content does not make sense): it and everything after it are dropped.
    /// </summary>
    public void Reject(string problem)
    {
        if (Damage is not null || Count == 0)
        {
            throw new InvalidOperationException("only the record just read can be rejected");
        }

        Count--;
        _position = _lastStart;
        Damage = new RecordDamage(_path, Count + 1, _position, problem, Torn: false);
    }

    private byte[]? Stop(string problem, bool torn)
    {
        // A file system may leave zeros where a crash cut a write short: that is a torn tail too.
        if (!torn && RestIsZeros())
        {
            problem = "the rest of the file is zeros";
            torn = true;
        }

        Damage = new RecordDamage(_path, Count + 1, _position, problem, torn);
        return null;
    }

    private bool RestIsZeros()
    {
        _stream.Position = _position;
        var chunk = new byte[1 << 16];
        int read;
        while ((read = _stream.Read(chunk)) > 0)
        {
            if (chunk.AsSpan(0, read).ContainsAnyExcept((byte)0))
            {
                return false;
            }
        }

        return true;
    }

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
