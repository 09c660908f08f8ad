using FoolingCluster.Models.Data;
using FoolingCluster.Tests.Shared;
using FoolingCluster.Tensors;
using Xunit;

namespace FoolingCluster.Models.Tests.Data;

public sealed class IdxErrorTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Label_file_read_as_images_reports_bad_magic()
    {
        string path = _dir.File("labels");
        IdxWriter.Write(path, new byte[4], 4);

        DataFormatException e = Assert.Throws<DataFormatException>(() => IdxReader.ReadImages(path));
        Assert.Equal($"{path}: bad magic number 0x00000801 (expected 0x00000803 for an idx3 ubyte image file)", e.Message);
        Assert.Equal(path, e.Path);
        Assert.IsAssignableFrom<InvalidInputException>(e);
    }

    [Fact]
    public void Non_idx_file_reports_bad_magic()
    {
        string path = _dir.File("notes.txt");
        File.WriteAllText(path, "hello, world");

        DataFormatException e = Assert.Throws<DataFormatException>(() => IdxReader.Read(path));
        Assert.Contains("bad magic number 0x68656C6C", e.Message, StringComparison.Ordinal);
        Assert.Contains("bad magic number", Assert.Throws<DataFormatException>(() => IdxReader.ReadLabels(path)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unsupported_element_type_is_named()
    {
        string path = _dir.File("int16");
        File.WriteAllBytes(path, [0x00, 0x00, 0x0B, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x07]);

        DataFormatException e = Assert.Throws<DataFormatException>(() => IdxReader.Read(path));
        Assert.Contains("element type 0x0B", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncated_data_reports_both_sizes()
    {
        string path = _dir.File("images");
        IdxWriter.Write(path, new byte[3 * 2 * 2], 3, 2, 2);
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length - 7)]);

        DataFormatException e = Assert.Throws<DataFormatException>(() => IdxReader.ReadImages(path));
        Assert.Equal($"{path}: truncated: header says 3×2×2 = 12 bytes of data, file has 5", e.Message);
    }

    [Fact]
    public void Truncated_float_data_reports_the_element_type()
    {
        string path = _dir.File("floats");
        IdxWriter.Write(path, new float[4], 2, 2);
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^1]);

        DataFormatException e = Assert.Throws<DataFormatException>(() => IdxReader.Read(path));
        Assert.Contains("truncated: header says 2×2 float32 values = 16 bytes of data, file has 15", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(9)]
    public void Truncated_header_is_reported(int keep)
    {
        string path = _dir.File("images");
        IdxWriter.Write(path, new byte[4], 1, 2, 2);
        File.WriteAllBytes(path, File.ReadAllBytes(path)[..keep]);

        DataFormatException e = Assert.Throws<DataFormatException>(() => IdxReader.ReadImages(path));
        Assert.Contains("truncated", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Trailing_bytes_are_reported()
    {
        string path = _dir.File("labels");
        IdxWriter.Write(path, new byte[3], 3);
        File.AppendAllText(path, "xx");

        DataFormatException e = Assert.Throws<DataFormatException>(() => IdxReader.ReadLabels(path));
        Assert.Contains("header says 3 = 3 bytes of data, file has 5 (unexpected bytes after the data)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Image_and_label_counts_must_agree()
    {
        string images = _dir.File("images");
        string labels = _dir.File("labels");
        IdxWriter.Write(images, new byte[3 * 4], 3, 2, 2);
        IdxWriter.Write(labels, new byte[2], 2);

        DataFormatException e = Assert.Throws<DataFormatException>(() => IdxDataset.Load(images, labels));
        Assert.Equal($"{labels}: holds 2 labels but {images} holds 3 images", e.Message);
    }

    [Fact]
    public void Missing_idx_file_is_missing_data()
    {
        string path = _dir.File("absent-idx1-ubyte");

        MissingDataException e = Assert.Throws<MissingDataException>(() => IdxReader.ReadLabels(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }
}
