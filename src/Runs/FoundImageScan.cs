using FoolingCluster.Evolution.Genomes;
using FoolingCluster.Models.Data;

namespace FoolingCluster.Runs;

/// <summary>
/// One pass over the records of a <c>found.bin</c> of either format, stopping at the first that
/// is incomplete, fails its checksum or holds impossible values; <see cref="Damage"/> then says
/// where. Records are yielded one at a time so a large log is never held whole.
/// </summary>
internal sealed class FoundImageScan
{
    private readonly Stream _stream;
    private readonly string _path;
    private readonly ImageShape _shape;

    /// <summary>Reads and checks the header; the records are read by <see cref="Images"/>.</summary>
    /// <exception cref="DataFormatException">Not a found-image log of <paramref name="shape"/>.</exception>
    public FoundImageScan(Stream stream, string path, ImageShape shape)
    {
        _stream = stream;
        _path = path;
        _shape = shape;
        Legacy = FoundImageFormat.ReadHeader(stream, path, shape);
        IntactLength = FoundImageFormat.HeaderBytes;
    }

    /// <summary>Whether the log is of the earlier format, whose records carry no checksum.</summary>
    public bool Legacy { get; }

    /// <summary>Intact records read so far.</summary>
    public int Count { get; private set; }

    /// <summary>Byte offset just past the last intact record.</summary>
    public long IntactLength { get; private set; }

    /// <summary>The first bad record, once the scan has stopped at one.</summary>
    public RecordDamage? Damage { get; private set; }

    /// <summary>The intact records, in the order they were written.</summary>
    public IEnumerable<FoundImage> Images() => Legacy ? LegacyImages() : FramedImages();

    private IEnumerable<FoundImage> FramedImages()
    {
        int size = FoundImageFormat.PayloadBytes(_shape);
        var reader = new FramedRecordReader(_stream, _path, FoundImageFormat.HeaderBytes, size, size);
        while (reader.Next() is byte[] payload)
        {
            FoundImage image = FoundImageFormat.Decode(payload);
            if (FoundImageFormat.Implausible(image) is string problem)
            {
                reader.Reject(problem);
                break;
            }

            Count = reader.Count;
            IntactLength = reader.IntactLength;
            yield return image;
        }

        Damage = reader.Damage;
    }

    private IEnumerable<FoundImage> LegacyImages()
    {
        int size = FoundImageFormat.PayloadBytes(_shape);
        var payload = new byte[size];
        _stream.Position = IntactLength;
        for (long remaining = _stream.Length - IntactLength; remaining > 0; remaining -= size)
        {
            if (remaining < size)
            {
                Damage = new RecordDamage(_path, Count + 1, IntactLength, $"only {remaining} of its {size} bytes", Torn: true);
                yield break;
            }

            _stream.ReadExactly(payload);
            FoundImage image = FoundImageFormat.Decode(payload);
            if (FoundImageFormat.Implausible(image) is string problem)
            {
                Damage = new RecordDamage(_path, Count + 1, IntactLength, problem, Torn: false);
                yield break;
            }

            Count++;
            IntactLength += size;
            yield return image;
        }
    }
}
