using FoolingCluster.Evolution.Genomes;
using FoolingCluster.Models.Data;
using FoolingCluster.Runs;
using FoolingCluster.Tests.Shared;
using Xunit;

namespace FoolingCluster.Evolution.Tests.Runs;

public sealed class FoundImageLogTests : IDisposable
{
    private const int HeaderSize = 20;
    private static readonly ImageShape s_shape = new(3, 2, 3);
    private static readonly int s_recordSize = 8 + 12 + s_shape.Size;
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string LogPath => _dir.File(RunFiles.Found);

    [Fact]
    public void A_new_log_holds_only_its_header()
    {
        using (FoundImageLog log = FoundImageLog.Open(LogPath, s_shape))
        {
            Assert.Equal(0, log.Count);
        }

        byte[] bytes = File.ReadAllBytes(LogPath);
        Assert.Equal(HeaderSize, bytes.Length);
        Assert.Equal("FCFOUND2"u8.ToArray(), bytes[..8]);
        Assert.Equal([3, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0], bytes[8..]);
        Assert.Empty(FoundImageLog.Read(LogPath, s_shape));
    }

    [Fact]
    public void Records_read_back_with_label_confidence_generation_and_8_bit_pixels()
    {
        float[] image = Image(0);
        using (FoundImageLog log = FoundImageLog.Open(LogPath, s_shape))
        {
            Assert.True(log.Add(image, label: 7, confidence: 0.99995f, generation: 12));
            Assert.True(log.Add(Image(1), label: 2, confidence: 0.9999f, generation: 13));
        }

        IReadOnlyList<FoundImage> found = FoundImageLog.Read(LogPath, s_shape);

        Assert.Equal(2, found.Count);
        Assert.Equal(7, found[0].Label);
        Assert.Equal(0.99995f, found[0].Confidence);
        Assert.Equal(12, found[0].Generation);
        Assert.Equal(image.Select(v => (byte)Math.Round(v * 255)), found[0].Pixels);
        Assert.Equal(2, found[1].Label);
        Assert.Equal(13, found[1].Generation);
        Assert.Equal(HeaderSize + (2 * s_recordSize), new FileInfo(LogPath).Length);
    }

    [Fact]
    public void Identical_images_are_recorded_once()
    {
        using FoundImageLog log = FoundImageLog.Open(LogPath, s_shape);

        Assert.True(log.Add(Image(0), 1, 0.9999f, 0));
        Assert.False(log.Add(Image(0), 4, 0.99999f, 3));
        Assert.True(log.Add(Image(1), 1, 0.9999f, 3));
        Assert.Equal(2, log.Count);
    }

    [Fact]
    public void Images_that_quantise_to_the_same_bytes_are_the_same_image()
    {
        using FoundImageLog log = FoundImageLog.Open(LogPath, s_shape);
        float[] image = Image(2);
        float[] nudged = [.. image.Select(v => v + 0.001f)];

        Assert.True(log.Add(image, 0, 0.9999f, 0));
        Assert.False(log.Add(nudged, 0, 0.9999f, 0));
        nudged[5] += 1f / 255;
        Assert.True(log.Add(nudged, 0, 0.9999f, 0));
    }

    [Fact]
    public void Reopening_restores_the_count_and_keeps_deduplicating()
    {
        using (FoundImageLog log = FoundImageLog.Open(LogPath, s_shape))
        {
            log.Add(Image(0), 1, 0.9999f, 0);
            log.Add(Image(1), 2, 0.9999f, 1);
            log.Add(Image(2), 3, 0.9999f, 2);
        }

        using (FoundImageLog log = FoundImageLog.Open(LogPath, s_shape))
        {
            Assert.Equal(3, log.Count);
            Assert.False(log.Add(Image(1), 2, 0.9999f, 5));
            Assert.True(log.Add(Image(3), 4, 0.9999f, 5));
        }

        Assert.Equal([1, 2, 3, 4], FoundImageLog.Read(LogPath, s_shape).Select(f => f.Label));
    }

    [Fact]
    public void Flushed_records_are_readable_while_the_log_is_open()
    {
        using FoundImageLog log = FoundImageLog.Open(LogPath, s_shape);
        log.Add(Image(0), 1, 0.9999f, 0);

        log.Flush();

        Assert.Single(FoundImageLog.Read(LogPath, s_shape));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(29)]
    public void A_torn_trailing_record_is_cut_off_on_reopen(int tornBytes)
    {
        using (FoundImageLog log = FoundImageLog.Open(LogPath, s_shape))
        {
            log.Add(Image(0), 1, 0.9999f, 0);
            log.Add(Image(1), 2, 0.9999f, 1);
        }

        using (var stream = new FileStream(LogPath, FileMode.Append))
        {
            stream.Write(new byte[tornBytes]);
        }

        Assert.Equal(2, FoundImageLog.Read(LogPath, s_shape).Count);

        using (FoundImageLog log = FoundImageLog.Open(LogPath, s_shape))
        {
            Assert.Equal(2, log.Count);
            Assert.Equal(HeaderSize + (2 * s_recordSize), new FileInfo(LogPath).Length);
            Assert.True(log.Add(Image(2), 3, 0.99995f, 2));
        }

        IReadOnlyList<FoundImage> found = FoundImageLog.Read(LogPath, s_shape);
        Assert.Equal([1, 2, 3], found.Select(f => f.Label));
        Assert.Equal(0.99995f, found[2].Confidence);
        Assert.Equal(Image(2).Select(v => (byte)Math.Round(v * 255)), found[2].Pixels);
    }

    [Fact]
    public void A_file_with_the_wrong_magic_is_refused_and_left_alone()
    {
        byte[] content = [.. "NOTALOG!"u8.ToArray(), .. new byte[40]];
        File.WriteAllBytes(LogPath, content);

        DataFormatException open = Assert.Throws<DataFormatException>(() => FoundImageLog.Open(LogPath, s_shape));
        DataFormatException read = Assert.Throws<DataFormatException>(() => FoundImageLog.Read(LogPath, s_shape));

        Assert.Equal(LogPath, open.Path);
        Assert.Equal(LogPath, read.Path);
        Assert.Equal(content, File.ReadAllBytes(LogPath));
    }

    [Fact]
    public void A_file_torn_inside_its_header_is_started_afresh_for_appending_but_refused_for_reading()
    {
        File.WriteAllBytes(LogPath, "FCFOUND1"u8.ToArray());
        Assert.Throws<DataFormatException>(() => FoundImageLog.Read(LogPath, s_shape));

        using (FoundImageLog log = FoundImageLog.Open(LogPath, s_shape))
        {
            Assert.Equal(0, log.Count);
            Assert.True(log.Add(Image(0), 1, 0.9999f, 0));
        }

        Assert.Single(FoundImageLog.Read(LogPath, s_shape));
    }

    [Fact]
    public void A_log_of_another_image_shape_is_refused()
    {
        using (FoundImageLog log = FoundImageLog.Open(LogPath, s_shape))
        {
            log.Add(Image(0), 1, 0.9999f, 0);
        }

        long length = new FileInfo(LogPath).Length;
        DataFormatException ex = Assert.Throws<DataFormatException>(() => FoundImageLog.Open(LogPath, new ImageShape(1, 2, 3)));

        Assert.Contains("[3,2,3]", ex.Message, StringComparison.Ordinal);
        Assert.Equal(length, new FileInfo(LogPath).Length);
        Assert.Throws<DataFormatException>(() => FoundImageLog.Read(LogPath, new ImageShape(3, 3, 2)));
    }

    [Theory]
    [InlineData(8, "checksum mismatch")]
    [InlineData(8 + 4, "checksum mismatch")]
    [InlineData(8 + 12 + 5, "checksum mismatch")]
    [InlineData(4, "checksum mismatch")]
    [InlineData(1, "length")]
    public void A_flipped_byte_in_a_middle_record_keeps_the_records_before_it_and_says_which_was_dropped(int byteInRecord, string problem)
    {
        WriteLog(5);
        FlipByte(HeaderSize + (2 * s_recordSize) + byteInRecord);
        var warnings = new List<string>();

        IReadOnlyList<FoundImage> found = FoundImageLog.Read(LogPath, s_shape, warnings.Add);

        Assert.Equal([0, 1], found.Select(f => f.Label));
        string warning = Assert.Single(warnings);
        Assert.Contains(LogPath, warning, StringComparison.Ordinal);
        Assert.Contains($"record 3 at byte {HeaderSize + (2 * s_recordSize)} is damaged ({problem}", warning, StringComparison.Ordinal);
        Assert.Contains("kept 2 records, dropped the rest", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void Reopening_a_damaged_log_cuts_the_damaged_tail_off_keeps_its_bytes_aside_and_appends_cleanly()
    {
        WriteLog(5);
        long damagedAt = HeaderSize + (2 * s_recordSize);
        byte[] tail = File.ReadAllBytes(LogPath)[(int)damagedAt..];
        FlipByte(damagedAt + 30);
        var warnings = new List<string>();

        using (FoundImageLog log = FoundImageLog.Open(LogPath, s_shape, warnings.Add))
        {
            Assert.Equal(2, log.Count);
            Assert.Equal(damagedAt, new FileInfo(LogPath).Length);
            Assert.True(log.Add(Image(9), 9, 0.9999f, 9));
        }

        string warning = Assert.Single(warnings);
        Assert.Contains("kept 2 records", warning, StringComparison.Ordinal);
        Assert.Contains(LogPath + FoundImageLog.DamagedSuffix, warning, StringComparison.Ordinal);
        tail[30] ^= 0x10;
        Assert.Equal(tail, File.ReadAllBytes(LogPath + FoundImageLog.DamagedSuffix));
        warnings.Clear();
        Assert.Equal([0, 1, 9], FoundImageLog.Read(LogPath, s_shape, warnings.Add).Select(f => f.Label));
        Assert.Empty(warnings);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(8 + 3)]
    [InlineData(8 + 12 + 7)]
    public void A_log_cut_mid_record_keeps_what_came_before_says_so_once_and_is_cut_quietly_on_reopen(int bytesOfLastRecord)
    {
        WriteLog(3);
        long intact = HeaderSize + (2 * s_recordSize);
        using (var stream = new FileStream(LogPath, FileMode.Open))
        {
            stream.SetLength(intact + bytesOfLastRecord);
        }

        var warnings = new List<string>();
        Assert.Equal(2, FoundImageLog.Read(LogPath, s_shape, warnings.Add).Count);
        Assert.Contains($"record 3 at byte {intact} is incomplete", Assert.Single(warnings), StringComparison.Ordinal);

        warnings.Clear();
        using (FoundImageLog log = FoundImageLog.Open(LogPath, s_shape, warnings.Add))
        {
            Assert.Equal(2, log.Count);
        }

        Assert.Contains("kept the 2 records before it", Assert.Single(warnings), StringComparison.Ordinal);
        Assert.Equal(intact, new FileInfo(LogPath).Length);
        Assert.False(File.Exists(LogPath + FoundImageLog.DamagedSuffix), "a merely torn record was kept aside as damage");
    }

    [Fact]
    public void A_log_of_the_earlier_format_is_read_and_rewritten_with_checksums_when_reopened()
    {
        byte[] legacy = [.. "FCFOUND1"u8.ToArray(), 3, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, .. LegacyRecord(4, 0), .. LegacyRecord(6, 1), .. LegacyRecord(8, 2)[..10]];
        File.WriteAllBytes(LogPath, legacy);
        var warnings = new List<string>();

        Assert.Equal([4, 6], FoundImageLog.Read(LogPath, s_shape, warnings.Add).Select(f => f.Label));
        Assert.Contains("record 3", Assert.Single(warnings), StringComparison.Ordinal);

        warnings.Clear();
        using (FoundImageLog log = FoundImageLog.Open(LogPath, s_shape, warnings.Add))
        {
            Assert.Equal(2, log.Count);
            Assert.True(log.Add(Image(2), 8, 0.9999f, 2));
        }

        Assert.Contains(warnings, w => w.Contains("rewrote its 2 records with them", StringComparison.Ordinal));
        Assert.Equal("FCFOUND2"u8.ToArray(), File.ReadAllBytes(LogPath)[..8]);
        warnings.Clear();
        IReadOnlyList<FoundImage> found = FoundImageLog.Read(LogPath, s_shape, warnings.Add);
        Assert.Equal([4, 6, 8], found.Select(f => f.Label));
        Assert.Equal(Image(1).Select(v => (byte)Math.Round(v * 255)), found[1].Pixels);
        Assert.Empty(warnings);
    }

    [Fact]
    public void A_record_of_the_earlier_format_with_impossible_values_ends_the_intact_part()
    {
        byte[] bad = LegacyRecord(4, 1);
        bad[3] = 0x80;
        File.WriteAllBytes(LogPath, [.. "FCFOUND1"u8.ToArray(), 3, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, .. LegacyRecord(4, 0), .. bad, .. LegacyRecord(5, 2)]);
        var warnings = new List<string>();

        Assert.Single(FoundImageLog.Read(LogPath, s_shape, warnings.Add));
        Assert.Contains("record 2 at byte 50 is damaged (impossible values", Assert.Single(warnings), StringComparison.Ordinal);
    }

    private void WriteLog(int records)
    {
        using FoundImageLog log = FoundImageLog.Open(LogPath, s_shape);
        for (int i = 0; i < records; i++)
        {
            Assert.True(log.Add(Image(i), i, 0.9999f, i));
        }
    }

    private void FlipByte(long offset)
    {
        byte[] bytes = File.ReadAllBytes(LogPath);
        bytes[offset] ^= 0x10;
        File.WriteAllBytes(LogPath, bytes);
    }

    /// <summary>A record as logs before checksums wrote it: label, confidence, generation, pixels.</summary>
    private static byte[] LegacyRecord(int label, int seed)
    {
        byte[] pixels = [.. Image(seed).Select(v => (byte)Math.Round(v * 255))];
        return [.. BitConverter.GetBytes(label), .. BitConverter.GetBytes(0.9999f), .. BitConverter.GetBytes(seed), .. pixels];
    }

    /// <summary>A distinct 8-bit-exact image per <paramref name="seed"/>.</summary>
    private static float[] Image(int seed) =>
        [.. Enumerable.Range(0, s_shape.Size).Select(i => ((i * 37) + (seed * 101)) % 256 / 255f)];
}
