using FoolingCluster.Tensors.Serialization;
using FoolingCluster.Tests.Shared;
using Xunit;

namespace FoolingCluster.Tensors.Tests.Serialization;

public sealed class SafeTensorsErrorTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Missing_file_names_the_path()
    {
        string path = _dir.File("absent.safetensors");
        InvalidInputException e = Assert.Throws<InvalidInputException>(() => SafeTensors.Load(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(20)]
    [InlineData(-1)]
    public void Truncated_file_is_reported_as_truncated(int keep)
    {
        string path = _dir.File("model.safetensors");
        SafeTensors.Save(path, new Dictionary<string, Tensor> { ["w"] = Tensor.Wrap([1f, 2f, 3f], 3) });
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(keep >= 0 ? keep : bytes.Length + keep)]);

        SafeTensorsFormatException e = Assert.Throws<SafeTensorsFormatException>(() => SafeTensors.Load(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("truncated", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_tensor_lists_what_the_file_has()
    {
        string path = _dir.File("model.safetensors");
        SafeTensors.Save(path, new Dictionary<string, Tensor> { ["fc1.weight"] = Tensor.Wrap([1f], 1, 1), ["fc1.bias"] = Tensor.Wrap([1f], 1) });
        var expected = new Dictionary<string, Tensor>
        {
            ["fc1.weight"] = Tensor.Wrap([0f], 1, 1),
            ["fc1.bias"] = Tensor.Wrap([0f], 1),
            ["fc2.bias"] = Tensor.Wrap([0f], 1),
        };

        SafeTensorsFormatException e = Assert.Throws<SafeTensorsFormatException>(() => SafeTensors.LoadInto(path, expected));
        Assert.Equal($"{path} lacks tensor fc2.bias; it has: fc1.bias, fc1.weight", e.Message);
        Assert.Throws<SafeTensorsFormatException>(() => SafeTensors.Load(path).Get("fc2.bias"));
    }

    [Fact]
    public void Misshaped_tensor_names_the_tensor_and_both_shapes_and_changes_nothing()
    {
        string path = _dir.File("model.safetensors");
        SafeTensors.Save(path, new Dictionary<string, Tensor>
        {
            ["conv1.weight"] = Tensor.Wrap(new float[20 * 9], 20, 1, 3, 3),
            ["conv1.bias"] = Tensor.Wrap([.. Enumerable.Repeat(1f, 20)], 20),
        });
        var bias = Tensor.Wrap(new float[20], 20);
        var expected = new Dictionary<string, Tensor>
        {
            ["conv1.weight"] = Tensor.Wrap(new float[20 * 25], 20, 1, 5, 5),
            ["conv1.bias"] = bias,
        };

        ShapeMismatchException e = Assert.Throws<ShapeMismatchException>(() => SafeTensors.LoadInto(path, expected));
        Assert.StartsWith("conv1.weight: file has [20,1,3,3], model expects [20,1,5,5]", e.Message, StringComparison.Ordinal);
        Assert.All(bias.ToArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Non_f32_tensor_is_listed_but_refused_by_name_and_dtype()
    {
        string path = _dir.File("half.safetensors");
        File.WriteAllBytes(path, SafeTensorsBytes.Build(
            "{\"h\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]},\"f\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}",
            new byte[8]));

        SafeTensorsFile file = SafeTensors.Load(path);
        Assert.Equal(["f", "h"], file.Names);
        Assert.Equal([2], file.Shape("h"));
        SafeTensorsFormatException e = Assert.Throws<SafeTensorsFormatException>(() => file.Get("h"));
        Assert.Contains("tensor 'h' has dtype F16", e.Message, StringComparison.Ordinal);
        Assert.Throws<SafeTensorsFormatException>(() => SafeTensors.LoadInto(path, new Dictionary<string, Tensor> { ["h"] = Tensor.Wrap(new float[2], 2) }, allowExtra: true));
    }

    [Theory]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}", "not valid JSON")]
    [InlineData("[1,2]", "must be an object")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", "lacks a \"shape\" array")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", "not a non-negative")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", "two-element \"data_offsets\"")]
    [InlineData("{\"__metadata__\":{\"k\":1}}", "must be a string")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", "twice")]
    public void Malformed_header_is_reported(string json, string expected)
    {
        string path = _dir.File("bad.safetensors");
        File.WriteAllBytes(path, SafeTensorsBytes.Build(json, new byte[8]));

        SafeTensorsFormatException e = Assert.Throws<SafeTensorsFormatException>(() => SafeTensors.Load(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", "past the end")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,0]}}", "end before they begin")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}", "needs 8")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[2,6]}}", "overlapping")]
    public void Bad_offsets_are_reported(string json, string expected)
    {
        string path = _dir.File("offsets.safetensors");
        File.WriteAllBytes(path, SafeTensorsBytes.Build(json, new byte[8]));

        SafeTensorsFormatException e = Assert.Throws<SafeTensorsFormatException>(() => SafeTensors.Load(path));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Implausible_header_length_is_reported()
    {
        string path = _dir.File("zip.safetensors");
        File.WriteAllBytes(path, [0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00, 0x08, 0x00]);

        SafeTensorsFormatException e = Assert.Throws<SafeTensorsFormatException>(() => SafeTensors.Load(path));
        Assert.Contains("probably not a safetensors file", e.Message, StringComparison.Ordinal);
    }
}
