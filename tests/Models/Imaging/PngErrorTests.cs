using System.Buffers.Binary;
using FoolingCluster.Models.Data;
using FoolingCluster.Models.Imaging;
using FoolingCluster.Tests.Shared;
using Xunit;

namespace FoolingCluster.Models.Tests.Imaging;

public sealed class PngErrorTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Missing_file_is_reported_as_missing()
    {
        string path = _dir.File("absent.png");
        MissingDataException e = Assert.Throws<MissingDataException>(() => PngReader.Read(path));
        Assert.Equal(path, e.Path);
    }

    [Fact]
    public void Wrong_signature_is_rejected()
    {
        string message = ReadBroken("text.png", "hello, world, this is not a PNG"u8.ToArray());
        Assert.Contains("not a PNG file", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_file_is_rejected()
    {
        string message = ReadBroken("empty.png", []);
        Assert.Contains("not a PNG file", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_crc_is_rejected()
    {
        byte[] png = Valid();
        // The last byte of IHDR's data (interlace method) sits at 8 + 8 + 12.
        png[28] ^= 0x01;
        string message = ReadBroken("crc.png", png);
        Assert.Contains("chunk 'IHDR' at offset 8 is corrupt", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Corrupt_image_data_fails_its_crc()
    {
        byte[] png = Valid();
        // The first byte of IDAT's data: after the signature and IHDR, the chunk's length and type.
        png[8 + 25 + 8] ^= 0xFF;
        string message = ReadBroken("idat.png", png);
        Assert.Contains("chunk 'IDAT' at offset 33 is corrupt", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(8)]
    [InlineData(12)]
    [InlineData(30)]
    [InlineData(40)]
    public void Truncated_file_is_rejected(int keep)
    {
        string message = ReadBroken("short.png", Valid()[..keep]);
        Assert.Contains("truncated", message, StringComparison.Ordinal);
    }

    [Fact]
    public void File_cut_just_before_iend_is_rejected()
    {
        byte[] png = Valid();
        string message = ReadBroken("noend.png", png[..^12]);
        Assert.Contains("without an IEND chunk", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(16, 0)]
    [InlineData(1, 0)]
    [InlineData(16, 2)]
    public void Unsupported_bit_depth_is_rejected(byte bitDepth, byte colourType)
    {
        byte[] png = TestPng.Build(TestPng.Header(2, 2, bitDepth, colourType), new byte[20]);
        string message = ReadBroken("deep.png", png);
        Assert.Contains($"bit depth {bitDepth} is not supported", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Interlaced_image_is_rejected()
    {
        byte[] png = TestPng.Build(TestPng.Header(2, 2, 8, 0, interlace: 1), new byte[6]);
        string message = ReadBroken("adam7.png", png);
        Assert.Contains("interlaced (Adam7) PNGs are not supported", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Palette_image_is_rejected()
    {
        byte[] png = TestPng.Build(TestPng.Header(2, 2, 8, 3), new byte[6]);
        string message = ReadBroken("palette.png", png);
        Assert.Contains("palette", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(7)]
    public void Wrong_decompressed_length_is_rejected(int bytes)
    {
        // A 2×2 grey image needs 2 rows of (1 filter byte + 2 pixels) = 6 bytes.
        byte[] png = TestPng.Build(TestPng.Header(2, 2, 8, 0), new byte[bytes]);
        string message = ReadBroken("length.png", png);
        Assert.Contains("image data decompresses to", message, StringComparison.Ordinal);
        Assert.Contains("6", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Undefined_filter_type_is_rejected()
    {
        byte[] png = TestPng.Build(TestPng.Header(2, 2, 8, 0), [0, 1, 2, 5, 3, 4]);
        string message = ReadBroken("filter.png", png);
        Assert.Contains("row 1 has filter type 5", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Data_that_is_not_zlib_is_rejected()
    {
        byte[] png = Valid();
        int idat = 8 + 25;
        int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(idat));
        byte[] garbage = TestPng.RandomBytes(length, seed: 4);
        garbage[0] = 0xFF;
        byte[] broken = [.. png[..idat], .. TestPng.Chunk("IDAT", garbage), .. png[(idat + 12 + length)..]];
        string message = ReadBroken("garbage.png", broken);
        Assert.Contains("compressed image data is corrupt", message, StringComparison.Ordinal);
    }

    [Fact]
    public void File_without_idat_is_rejected()
    {
        byte[] png = Valid();
        int idat = 8 + 25;
        int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(idat));
        string message = ReadBroken("nodata.png", [.. png[..idat], .. png[(idat + 12 + length)..]]);
        Assert.Contains("no IDAT chunk", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_critical_chunk_is_rejected()
    {
        byte[] png = Valid();
        byte[] broken = [.. png[..33], .. TestPng.Chunk("ABCD", [1, 2]), .. png[33..]];
        string message = ReadBroken("critical.png", broken);
        Assert.Contains("unsupported critical chunk 'ABCD'", message, StringComparison.Ordinal);
    }

    private static byte[] Valid() => PngWriter.Encode([10, 20, 30, 40], 2, 2, PngColor.Grey);

    /// <summary>Writes <paramref name="png"/> and reads it, returning the error's message after checking it names the file.</summary>
    private string ReadBroken(string name, byte[] png)
    {
        string path = _dir.File(name);
        File.WriteAllBytes(path, png);
        DataFormatException e = Assert.Throws<DataFormatException>(() => PngReader.Read(path));
        Assert.Equal(path, e.Path);
        Assert.StartsWith(path + ": ", e.Message, StringComparison.Ordinal);
        Assert.Contains(name, e.Message, StringComparison.Ordinal);
        return e.Message;
    }
}
