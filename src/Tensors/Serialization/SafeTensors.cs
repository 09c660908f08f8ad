using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace FoolingCluster.Tensors.Serialization;

/// <summary>
/// Reads and writes the safetensors format (https://github.com/huggingface/safetensors), the
/// format PyTorch models are exchanged in, so weights move between this engine and PyTorch.
/// </summary>
/// <remarks>
/// Layout: an 8-byte little-endian u64 header length N; N bytes of UTF-8 JSON
/// <c>{"name":{"dtype":"F32","shape":[...],"data_offsets":[begin,end]}, "__metadata__":{...}}</c>;
/// then the tensor data, little-endian, with offsets relative to the first byte after the header.
/// Only F32 is written or loaded; other dtypes are listed but refused by name when loaded.
/// </remarks>
public static class SafeTensors
{
    /// <summary>
    /// Writes <paramref name="tensors"/> to <paramref name="path"/> as F32, in ordinal name
    /// order, with the header padded so the data is 8-byte aligned. The file is written
    /// under a temporary name and renamed, so a reader never sees half a file.
    /// </summary>
    /// <param name="path">Destination; replaced if it exists.</param>
    /// <param name="tensors">Tensors by name, any shapes (a scalar is shape <c>[]</c>).</param>
    /// <param name="metadata">Optional string pairs stored as <c>__metadata__</c>.</param>
    public static void Save(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        CheckNames(tensors);
        using var file = AtomicFile.Create(path);
        Write(file.Stream, tensors, metadata);
        file.Commit();
    }

    /// <summary>The bytes <see cref="Save"/> would write: the same layout, for sending a state dict in a message.</summary>
    /// <param name="tensors">Tensors by name, any shapes.</param>
    /// <param name="metadata">Optional string pairs stored as <c>__metadata__</c>.</param>
    public static byte[] ToBytes(IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        CheckNames(tensors);
        using var stream = new MemoryStream();
        Write(stream, tensors, metadata);
        return stream.ToArray();
    }

    /// <summary>Reads safetensors bytes that arrived other than as a file (in a message), validating the header against the data.</summary>
    /// <param name="bytes">The whole file's bytes; kept, not copied.</param>
    /// <param name="source">What the bytes are, named in error messages (e.g. "the VAE from worker w1").</param>
    /// <exception cref="SafeTensorsFormatException">The bytes are truncated or the header is malformed.</exception>
    public static SafeTensorsFile FromBytes(byte[] bytes, string source)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        ArgumentNullException.ThrowIfNull(source);
        return new SafeTensorsFile(source, bytes);
    }

    /// <summary>Reads a safetensors file and validates its header against its data.</summary>
    /// <exception cref="InvalidInputException">The file does not exist.</exception>
    /// <exception cref="SafeTensorsFormatException">The file is truncated or its header is malformed.</exception>
    public static SafeTensorsFile Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new InvalidInputException($"safetensors file {path} does not exist");
        }

        return new SafeTensorsFile(path, File.ReadAllBytes(path));
    }

    /// <summary>
    /// Copies the tensors of <paramref name="path"/> into existing tensors (a model's
    /// parameters), after checking every one of them first, so a mismatch leaves the
    /// destinations untouched.
    /// </summary>
    /// <param name="path">The safetensors file.</param>
    /// <param name="expected">Destination tensors by name; each must exist in the file with the same shape, as F32.</param>
    /// <param name="allowExtra">Whether the file may hold tensors that <paramref name="expected"/> does not name.</param>
    /// <returns>The loaded file, for its metadata.</returns>
    /// <exception cref="ShapeMismatchException">A tensor's shape differs; the message names the tensor and both shapes.</exception>
    /// <exception cref="SafeTensorsFormatException">A tensor is missing, not F32, unexpected, or the file is malformed.</exception>
    public static SafeTensorsFile LoadInto(string path, IReadOnlyDictionary<string, Tensor> expected, bool allowExtra = false)
    {
        ArgumentNullException.ThrowIfNull(expected);
        SafeTensorsFile file = Load(path);
        CopyInto(file, expected, allowExtra);
        return file;
    }

    /// <summary>
    /// Copies the tensors of an already read <paramref name="file"/> into existing tensors, after
    /// checking every one of them first, as <see cref="LoadInto(string, IReadOnlyDictionary{string, Tensor}, bool)"/> does.
    /// </summary>
    /// <exception cref="ShapeMismatchException">A tensor's shape differs; the message names the tensor and both shapes.</exception>
    /// <exception cref="SafeTensorsFormatException">A tensor is missing, not F32, or unexpected.</exception>
    public static void CopyInto(SafeTensorsFile file, IReadOnlyDictionary<string, Tensor> expected, bool allowExtra = false)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(expected);
        foreach (KeyValuePair<string, Tensor> pair in expected.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (!file.Contains(pair.Key))
            {
                throw file.Missing(pair.Key);
            }

            SafeTensorInfo info = file.RequireF32(pair.Key);
            if (!Tensor.SameShape(info.Shape, pair.Value.Shape))
            {
                throw new ShapeMismatchException($"{pair.Key}: file has {Tensor.ShapeString(info.Shape)}, model expects {Tensor.ShapeString(pair.Value.Shape)} (in {file.Path})");
            }
        }

        if (!allowExtra)
        {
            string[] extra = [.. file.Names.Where(n => !expected.ContainsKey(n))];
            if (extra.Length > 0)
            {
                throw new SafeTensorsFormatException($"{file.Path} has tensors the model does not expect: {string.Join(", ", extra)}");
            }
        }

        foreach (KeyValuePair<string, Tensor> pair in expected)
        {
            file.CopyTo(pair.Key, pair.Value);
        }
    }

    private static void CheckNames(IReadOnlyDictionary<string, Tensor> tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.ContainsKey(SafeTensorsHeader.MetadataKey))
        {
            throw new ArgumentException($"'{SafeTensorsHeader.MetadataKey}' is reserved for metadata and cannot name a tensor", nameof(tensors));
        }
    }

    private static void Write(Stream stream, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        List<KeyValuePair<string, Tensor>> ordered = [.. tensors.OrderBy(p => p.Key, StringComparer.Ordinal)];
        stream.Write(SafeTensorsHeader.Build(ordered, metadata));
        foreach (KeyValuePair<string, Tensor> pair in ordered)
        {
            WriteData(stream, pair.Value.Span);
        }
    }

    private static void WriteData(Stream stream, ReadOnlySpan<float> values)
    {
        if (BitConverter.IsLittleEndian)
        {
            stream.Write(MemoryMarshal.AsBytes(values));
            return;
        }

        Span<byte> element = stackalloc byte[sizeof(float)];
        foreach (float v in values)
        {
            BinaryPrimitives.WriteSingleLittleEndian(element, v);
            stream.Write(element);
        }
    }
}
