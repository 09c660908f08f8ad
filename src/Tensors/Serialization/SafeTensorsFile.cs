using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace FoolingCluster.Tensors.Serialization;

/// <summary>
/// A safetensors file read into memory: its tensor names, shapes and metadata, and the
/// tensors themselves on request. Produced by <see cref="SafeTensors.Load"/>.
/// </summary>
public sealed class SafeTensorsFile
{
    private readonly byte[] _bytes;
    private readonly long _dataStart;
    private readonly Dictionary<string, SafeTensorInfo> _tensors;

    internal SafeTensorsFile(string path, byte[] bytes)
    {
        Path = path;
        _bytes = bytes;
        (_tensors, Dictionary<string, string> metadata, _dataStart) = SafeTensorsHeader.Parse(bytes, path);
        Metadata = metadata;
        Names = [.. _tensors.Keys.Order(StringComparer.Ordinal)];
    }

    /// <summary>The file this was read from, as the caller named it.</summary>
    public string Path { get; }

    /// <summary>Tensor names in ordinal order (not the header's order).</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The header's <c>__metadata__</c> pairs; empty when it has none.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Header entries by tensor name.</summary>
    public IReadOnlyDictionary<string, SafeTensorInfo> Tensors => _tensors;

    /// <summary>Whether the file holds a tensor called <paramref name="name"/>.</summary>
    public bool Contains(string name) => _tensors.ContainsKey(name);

    /// <summary>The header entry for <paramref name="name"/>.</summary>
    /// <exception cref="SafeTensorsFormatException">The file has no such tensor.</exception>
    public SafeTensorInfo Info(string name) =>
        _tensors.TryGetValue(name, out SafeTensorInfo? info) ? info : throw Missing(name);

    /// <summary>Shape of tensor <paramref name="name"/>, outermost first; empty for a scalar.</summary>
    public int[] Shape(string name) => (int[])Info(name).Shape.Clone();

    /// <summary>
    /// A new tensor with the contents of <paramref name="name"/>. It wraps a fresh array and
    /// belongs to no <see cref="TensorScope"/>, so it lives as long as the caller keeps it.
    /// </summary>
    /// <exception cref="SafeTensorsFormatException">The file has no such tensor, or it is not F32.</exception>
    public Tensor Get(string name)
    {
        SafeTensorInfo info = RequireF32(name);
        var tensor = Tensor.Wrap(new float[info.ElementCount], info.Shape);
        CopyData(info, tensor.Span);
        return tensor;
    }

    /// <summary>Copies tensor <paramref name="name"/> into <paramref name="destination"/>, which must have its shape.</summary>
    /// <exception cref="ShapeMismatchException">The shapes differ; the message names the tensor and both shapes.</exception>
    /// <exception cref="SafeTensorsFormatException">The file has no such tensor, or it is not F32.</exception>
    public void CopyTo(string name, Tensor destination)
    {
        SafeTensorInfo info = RequireF32(name);
        if (!Tensor.SameShape(info.Shape, destination.Shape))
        {
            throw new ShapeMismatchException($"{name}: file has {Tensor.ShapeString(info.Shape)}, model expects {Tensor.ShapeString(destination.Shape)} (in {Path})");
        }

        CopyData(info, destination.Span);
        destination.MarkModified();
    }

    /// <summary>The F32 entry for <paramref name="name"/>, or a clear error naming the tensor and its dtype.</summary>
    internal SafeTensorInfo RequireF32(string name)
    {
        SafeTensorInfo info = Info(name);
        if (info.DType != SafeTensorsDType.F32)
        {
            throw new SafeTensorsFormatException($"{Path}: tensor '{name}' has dtype {info.DType}; only F32 tensors can be loaded");
        }

        return info;
    }

    /// <summary>The error for a tensor the file lacks, listing what it has.</summary>
    internal SafeTensorsFormatException Missing(string name)
    {
        string has = Names.Count == 0 ? "no tensors at all" : string.Join(", ", Names);
        return new SafeTensorsFormatException($"{Path} lacks tensor {name}; it has: {has}");
    }

    private void CopyData(SafeTensorInfo info, Span<float> destination)
    {
        ReadOnlySpan<byte> source = _bytes.AsSpan((int)(_dataStart + info.Begin), (int)info.ByteLength);
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.Cast<byte, float>(source).CopyTo(destination);
            return;
        }

        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = BinaryPrimitives.ReadSingleLittleEndian(source[(i * sizeof(float))..]);
        }
    }
}
