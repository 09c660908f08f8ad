using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using FoolingCluster.Tensors.Serialization;
using FoolingCluster.Tests.Shared;
using Xunit;

namespace FoolingCluster.Tensors.Tests.Serialization;

public sealed class SafeTensorsLayoutTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    public void Written_file_follows_the_specification(int nameLength)
    {
        string path = _dir.File("layout.safetensors");
        var tensors = new Dictionary<string, Tensor>
        {
            [new string('z', nameLength)] = Tensor.Wrap([1f, 2f, 3f], 3),
            ["a"] = Tensor.Wrap([-4f, 5f], 1, 2),
        };
        SafeTensors.Save(path, tensors, new Dictionary<string, string> { ["m"] = "x" });
        byte[] file = File.ReadAllBytes(path);

        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(file);
        Assert.Equal(0ul, (8 + headerLength) % 8);
        string json = Encoding.UTF8.GetString(file, 8, (int)headerLength);
        Assert.StartsWith("{", json, StringComparison.Ordinal);
        Assert.EndsWith("}", json.TrimEnd(' '), StringComparison.Ordinal);

        using var header = JsonDocument.Parse(json);
        JsonElement a = header.RootElement.GetProperty("a");
        JsonElement z = header.RootElement.GetProperty(new string('z', nameLength));
        Assert.Equal("F32", a.GetProperty("dtype").GetString());
        Assert.Equal([1, 2], a.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal([0L, 8L], a.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()));
        Assert.Equal([8L, 20L], z.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()));
        Assert.Equal("x", header.RootElement.GetProperty("__metadata__").GetProperty("m").GetString());

        byte[] data = file[(8 + (int)headerLength)..];
        Assert.Equal(SafeTensorsBytes.Floats(-4f, 5f, 1f, 2f, 3f), data);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Header_order_need_not_match_data_order(bool metadataFirst)
    {
        const string metadata = "\"__metadata__\":{\"source\":\"hand\"}";
        const string tensors =
            "\"second\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[12,20]}," +
            "\"first\":{\"dtype\":\"F32\",\"shape\":[3,1],\"data_offsets\":[0,12]}," +
            "\"scalar\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[20,24]}";
        string json = metadataFirst ? $"{{{metadata},{tensors}}}" : $"{{{tensors},{metadata}}}";
        string path = _dir.File("hand.safetensors");
        File.WriteAllBytes(path, SafeTensorsBytes.Build(json, SafeTensorsBytes.Floats(1, 2, 3, 4, 5, 6)));

        SafeTensorsFile file = SafeTensors.Load(path);

        Assert.Equal(["first", "scalar", "second"], file.Names);
        Assert.Equal("hand", file.Metadata["source"]);
        Assert.Equal([3, 1], file.Get("first").Shape);
        Assert.Equal([1f, 2f, 3f], file.Get("first").ToArray());
        Assert.Equal([4f, 5f], file.Get("second").ToArray());
        Assert.Equal([6f], file.Get("scalar").ToArray());
        Assert.Empty(file.Get("scalar").Shape);
    }
}
