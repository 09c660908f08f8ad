using FoolingCluster.Models.Data;
using FoolingCluster.Tests.Shared;
using FoolingCluster.Tensors;
using Xunit;

namespace FoolingCluster.Models.Tests.Data;

public sealed class IdxRoundTripTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Ubyte_labels_round_trip()
    {
        string path = _dir.File("labels-idx1-ubyte");
        byte[] labels = [5, 0, 4, 1, 9, 255];
        IdxWriter.Write(path, labels, labels.Length);

        Assert.Equal(labels, IdxReader.ReadLabels(path));
        Assert.Equal([0x00, 0x00, 0x08, 0x01, 0x00, 0x00, 0x00, 0x06], File.ReadAllBytes(path)[..8]);
    }

    [Fact]
    public void Ubyte_images_round_trip()
    {
        string path = _dir.File("images-idx3-ubyte");
        byte[] pixels = [.. Enumerable.Range(0, 3 * 4 * 5).Select(i => (byte)(i * 4))];
        IdxWriter.Write(path, pixels, 3, 4, 5);

        IdxArray images = IdxReader.ReadImages(path);
        Assert.Equal(IdxElementType.UnsignedByte, images.ElementType);
        Assert.Equal([3, 4, 5], images.Dimensions);
        Assert.Equal(3, images.Count);
        Assert.Equal(pixels, images.Bytes);
        Assert.Null(images.Floats);
        Assert.Equal(16 + pixels.Length, new FileInfo(path).Length);
    }

    [Fact]
    public void Float32_round_trips_big_endian()
    {
        string path = _dir.File("adversarial-idx4-float");
        float[] values = [0f, 1f, -0.5f, 1e-7f, float.MaxValue, float.NegativeInfinity, 0.25f, 3.14159f];
        IdxWriter.Write(path, values, 2, 1, 2, 2);

        IdxArray read = IdxReader.Read(path);
        Assert.Equal(IdxElementType.Float32, read.ElementType);
        Assert.Equal([2, 1, 2, 2], read.Dimensions);
        Assert.Equal(values, read.Floats);
        byte[] bytes = File.ReadAllBytes(path);
        Assert.Equal([0x00, 0x00, 0x0D, 0x04], bytes[..4]);
        Assert.Equal([0x3F, 0x80, 0x00, 0x00], bytes[(4 + 16 + 4)..(4 + 16 + 8)]);
    }

    [Fact]
    public void Tensor_is_written_with_its_shape()
    {
        string path = _dir.File("tensor-idx");
        var tensor = Tensor.Wrap([1f, 2f, 3f, 4f, 5f, 6f], 3, 2);
        IdxWriter.Write(path, tensor);

        IdxArray read = IdxReader.Read(path);
        Assert.Equal([3, 2], read.Dimensions);
        Assert.Equal(tensor.ToArray(), read.Floats);
    }

    [Fact]
    public void Writer_rejects_data_that_does_not_fill_the_dimensions()
    {
        Assert.Throws<ArgumentException>(() => IdxWriter.Write(_dir.File("x"), new byte[5], 2, 3));
        Assert.Throws<ArgumentException>(() => IdxWriter.Write(_dir.File("x"), new float[1]));
        Assert.Empty(Directory.GetFiles(_dir.Path));
    }

    [Fact]
    public void Ubyte_images_load_scaled_into_unit_range_and_float_images_as_they_are()
    {
        string labels = _dir.File("labels");
        IdxWriter.Write(labels, [3, 7], 2);
        string ubyte = _dir.File("ubyte-images");
        IdxWriter.Write(ubyte, [0, 51, 255, 102, 0, 0, 0, 255], 2, 2, 2);
        string floats = _dir.File("float-images");
        float[] values = [.. Enumerable.Range(0, 2 * 3 * 2 * 2).Select(i => i / 24f)];
        IdxWriter.Write(floats, values, 2, 3, 2, 2);

        ImageDataset fromBytes = IdxDataset.Load(ubyte, labels);
        Assert.Equal([1, 2, 2], fromBytes.ImageShape);
        Assert.Equal([0f, 0.2f, 1f, 0.4f, 0f, 0f, 0f, 1f], fromBytes.Images);
        Assert.Equal([3, 7], fromBytes.Labels);

        ImageDataset fromFloats = IdxDataset.Load(floats, labels);
        Assert.Equal([3, 2, 2], fromFloats.ImageShape);
        Assert.Equal(values, fromFloats.Images);
        Assert.Equal([2, 3, 2, 2], fromFloats.AsTensor().Shape);
        Assert.Equal(values[12..], fromFloats.Image(1).ToArray());

        ImageDataset first = IdxDataset.Load(floats, labels, limit: 1);
        Assert.Equal(1, first.Count);
        Assert.Equal(values[..12], first.Images);
    }
}
