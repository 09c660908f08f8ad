using FoolingCluster.Tensors.Serialization;
using FoolingCluster.Tests.Shared;
using Xunit;

namespace FoolingCluster.Tensors.Tests.Serialization;

public sealed class SafeTensorsRoundTripTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Tensors_of_every_shape_kind_and_metadata_survive_a_round_trip()
    {
        var tensors = new Dictionary<string, Tensor>
        {
            ["conv1.weight"] = Sequence(0.5f, 2, 1, 3, 3),
            ["conv1.bias"] = Sequence(-1f, 2),
            ["scale"] = Tensor.Wrap([3.25f]),
            ["fc.weight"] = Sequence(7f, 1, 4, 1),
            ["empty"] = Tensor.Wrap([], 0, 3),
        };
        var metadata = new Dictionary<string, string> { ["format"] = "pt", ["architecture"] = "lenet", ["note"] = "naïve \"quoted\"" };
        string path = _dir.File("model.safetensors");

        SafeTensors.Save(path, tensors, metadata);
        SafeTensorsFile file = SafeTensors.Load(path);

        Assert.Equal(["conv1.bias", "conv1.weight", "empty", "fc.weight", "scale"], file.Names);
        Assert.Equal(metadata, file.Metadata);
        foreach ((string name, Tensor expected) in tensors)
        {
            Tensor actual = file.Get(name);
            Assert.Equal(expected.Shape, actual.Shape);
            Assert.Equal(expected.ToArray(), actual.ToArray());
            Assert.Equal("F32", file.Info(name).DType);
        }

        Assert.Empty(file.Shape("scale"));
        Assert.Equal(1, file.Get("scale").Size);
    }

    [Fact]
    public void Bytes_for_a_message_are_the_file_and_read_back_with_the_same_checks()
    {
        var tensors = new Dictionary<string, Tensor> { ["conv1.weight"] = Sequence(0.5f, 2, 1, 3, 3), ["conv1.bias"] = Sequence(-1f, 2) };
        var metadata = new Dictionary<string, string> { ["class"] = "3" };
        string path = _dir.File("model.safetensors");
        SafeTensors.Save(path, tensors, metadata);

        byte[] bytes = SafeTensors.ToBytes(tensors, metadata);
        SafeTensorsFile file = SafeTensors.FromBytes(bytes, "a message");
        var into = new Dictionary<string, Tensor> { ["conv1.weight"] = Tensor.Zeros(2, 1, 3, 3), ["conv1.bias"] = Tensor.Zeros(2) };
        SafeTensors.CopyInto(file, into);

        Assert.Equal(File.ReadAllBytes(path), bytes);
        Assert.Equal(metadata, file.Metadata);
        Assert.Equal(tensors["conv1.weight"].ToArray(), into["conv1.weight"].ToArray());
        var wrongShape = new Dictionary<string, Tensor> { ["conv1.weight"] = Tensor.Zeros(2, 1, 3, 4), ["conv1.bias"] = Tensor.Zeros(2) };
        Assert.Contains("a message", Assert.Throws<ShapeMismatchException>(() => SafeTensors.CopyInto(file, wrongShape)).Message, StringComparison.Ordinal);
        Assert.Throws<SafeTensorsFormatException>(() => SafeTensors.FromBytes([1, 2, 3], "garbage"));
    }

    [Fact]
    public void Saving_without_metadata_writes_no_metadata_entry()
    {
        string path = _dir.File("plain.safetensors");
        SafeTensors.Save(path, new Dictionary<string, Tensor> { ["w"] = Sequence(1f, 3) });

        Assert.Empty(SafeTensors.Load(path).Metadata);
        Assert.DoesNotContain("__metadata__", System.Text.Encoding.UTF8.GetString(File.ReadAllBytes(path)), StringComparison.Ordinal);
    }

    [Fact]
    public void Saving_replaces_an_existing_file_and_leaves_no_temporary_files()
    {
        string path = _dir.File("model.safetensors");
        SafeTensors.Save(path, new Dictionary<string, Tensor> { ["a"] = Sequence(1f, 5) });
        SafeTensors.Save(path, new Dictionary<string, Tensor> { ["b"] = Sequence(2f, 2) });

        Assert.Equal(["b"], SafeTensors.Load(path).Names);
        Assert.Equal(["model.safetensors"], Directory.GetFiles(_dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Loaded_tensors_outlive_an_enclosing_scope()
    {
        string path = _dir.File("model.safetensors");
        SafeTensors.Save(path, new Dictionary<string, Tensor> { ["w"] = Sequence(1f, 4) });

        Tensor loaded;
        using (TensorScope.Begin())
        {
            loaded = SafeTensors.Load(path).Get("w");
        }

        Assert.False(loaded.IsDisposed);
        Assert.Equal([1f, 2f, 3f, 4f], loaded.ToArray());
    }

    [Fact]
    public void LoadInto_copies_into_existing_tensors()
    {
        string path = _dir.File("model.safetensors");
        SafeTensors.Save(path, new Dictionary<string, Tensor> { ["w"] = Sequence(1f, 2, 2), ["b"] = Sequence(9f, 2) }, new Dictionary<string, string> { ["k"] = "v" });
        var w = Tensor.Wrap(new float[4], 2, 2);
        var b = Tensor.Wrap(new float[2], 2);

        SafeTensorsFile file = SafeTensors.LoadInto(path, new Dictionary<string, Tensor> { ["w"] = w, ["b"] = b });

        Assert.Equal([1f, 2f, 3f, 4f], w.ToArray());
        Assert.Equal([9f, 10f], b.ToArray());
        Assert.Equal("v", file.Metadata["k"]);
    }

    [Fact]
    public void LoadInto_accepts_extra_tensors_only_when_allowed()
    {
        string path = _dir.File("model.safetensors");
        SafeTensors.Save(path, new Dictionary<string, Tensor> { ["w"] = Sequence(1f, 2), ["extra"] = Sequence(1f, 1) });
        var w = Tensor.Wrap(new float[2], 2);

        SafeTensorsFormatException e = Assert.Throws<SafeTensorsFormatException>(() => SafeTensors.LoadInto(path, new Dictionary<string, Tensor> { ["w"] = w }));
        Assert.Contains("does not expect: extra", e.Message, StringComparison.Ordinal);

        SafeTensors.LoadInto(path, new Dictionary<string, Tensor> { ["w"] = w }, allowExtra: true);
        Assert.Equal([1f, 2f], w.ToArray());
    }

    private static Tensor Sequence(float start, params int[] shape)
    {
        var t = Tensor.Wrap(new float[Tensor.ShapeSize(shape)], shape);
        for (int i = 0; i < t.Size; i++)
        {
            t[i] = start + i;
        }

        return t;
    }
}
