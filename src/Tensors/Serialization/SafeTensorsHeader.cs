using System.Buffers;
using System.Buffers.Binary;
using System.Text.Json;

namespace FoolingCluster.Tensors.Serialization;

/// <summary>
/// Reads and writes the header of a safetensors file: an 8-byte little-endian u64 length N,
/// then N bytes of UTF-8 JSON mapping each tensor name to its dtype, shape and data offsets,
/// with an optional <c>__metadata__</c> object of string pairs.
/// </summary>
internal static class SafeTensorsHeader
{
    /// <summary>Key of the free-form string map in the header.</summary>
    public const string MetadataKey = "__metadata__";

    /// <summary>Bytes of the length prefix.</summary>
    public const int PrefixLength = 8;

    /// <summary>
    /// Headers larger than this are refused, as the reference implementation does: a huge
    /// length almost always means the file is not safetensors at all (a zip, a pickle).
    /// </summary>
    public const long MaxHeaderLength = 100_000_000;

    /// <summary>Parses the header of <paramref name="file"/> and validates every entry against the data that follows.</summary>
    /// <returns>Tensor entries by name, metadata, and the offset of the data buffer in the file.</returns>
    public static (Dictionary<string, SafeTensorInfo> Tensors, Dictionary<string, string> Metadata, long DataStart) Parse(byte[] file, string path)
    {
        if (file.Length < PrefixLength)
        {
            throw Error(path, $"truncated: the file is {file.Length} bytes, shorter than the {PrefixLength}-byte header length prefix");
        }

        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(file);
        long available = file.Length - PrefixLength;
        if (headerLength > MaxHeaderLength)
        {
            throw Error(path, $"header length prefix says {headerLength} bytes, more than the {MaxHeaderLength}-byte limit; this is probably not a safetensors file");
        }

        if ((long)headerLength > available)
        {
            throw Error(path, $"truncated: header length prefix says {headerLength} bytes of JSON, but only {available} bytes follow it");
        }

        ReadOnlyMemory<byte> json = file.AsMemory(PrefixLength, (int)headerLength);
        long dataStart = PrefixLength + (long)headerLength;
        long dataLength = file.Length - dataStart;

        Dictionary<string, SafeTensorInfo> tensors;
        Dictionary<string, string> metadata;
        try
        {
            using var document = JsonDocument.Parse(json);
            (tensors, metadata) = ReadEntries(document.RootElement, path);
        }
        catch (JsonException e)
        {
            throw Error(path, $"header is {JsonErrorText.Syntax(e)}", e);
        }

        ValidateOffsets(tensors.Values, dataLength, path);
        return (tensors, metadata, dataStart);
    }

    /// <summary>
    /// Builds the header bytes (length prefix included) for tensors laid out one after another
    /// in the given order, padding the JSON with spaces so the data starts 8-byte aligned.
    /// </summary>
    public static byte[] Build(IReadOnlyList<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                writer.WriteStartObject(MetadataKey);
                foreach (KeyValuePair<string, string> pair in metadata.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    writer.WriteString(pair.Key, pair.Value);
                }

                writer.WriteEndObject();
            }

            long offset = 0;
            foreach (KeyValuePair<string, Tensor> pair in tensors)
            {
                long length = (long)pair.Value.Size * sizeof(float);
                writer.WriteStartObject(pair.Key);
                writer.WriteString("dtype", SafeTensorsDType.F32);
                writer.WriteStartArray("shape");
                foreach (int d in pair.Value.Shape)
                {
                    writer.WriteNumberValue(d);
                }

                writer.WriteEndArray();
                writer.WriteStartArray("data_offsets");
                writer.WriteNumberValue(offset);
                writer.WriteNumberValue(offset + length);
                writer.WriteEndArray();
                writer.WriteEndObject();
                offset += length;
            }

            writer.WriteEndObject();
        }

        int jsonLength = buffer.WrittenCount;
        int padded = ((PrefixLength + jsonLength + 7) / 8 * 8) - PrefixLength;
        byte[] header = new byte[PrefixLength + padded];
        BinaryPrimitives.WriteUInt64LittleEndian(header, (ulong)padded);
        buffer.WrittenSpan.CopyTo(header.AsSpan(PrefixLength));
        header.AsSpan(PrefixLength + jsonLength).Fill((byte)' ');
        return header;
    }

    private static (Dictionary<string, SafeTensorInfo>, Dictionary<string, string>) ReadEntries(JsonElement root, string path)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Error(path, $"header JSON must be an object, found {Describe(root.ValueKind)}");
        }

        var tensors = new Dictionary<string, SafeTensorInfo>(StringComparer.Ordinal);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        bool sawMetadata = false;
        foreach (JsonProperty property in root.EnumerateObject())
        {
            if (property.Name == MetadataKey)
            {
                if (sawMetadata)
                {
                    throw Error(path, $"header has more than one {MetadataKey} entry");
                }

                sawMetadata = true;
                ReadMetadata(property.Value, metadata, path);
                continue;
            }

            if (tensors.ContainsKey(property.Name))
            {
                throw Error(path, $"header lists tensor '{property.Name}' twice");
            }

            tensors.Add(property.Name, ReadTensor(property.Name, property.Value, path));
        }

        return (tensors, metadata);
    }

    private static void ReadMetadata(JsonElement element, Dictionary<string, string> metadata, string path)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Error(path, $"{MetadataKey} must be an object of strings, found {Describe(element.ValueKind)}");
        }

        foreach (JsonProperty pair in element.EnumerateObject())
        {
            if (pair.Value.ValueKind != JsonValueKind.String)
            {
                throw Error(path, $"{MetadataKey} value for key '{pair.Name}' must be a string, found {Describe(pair.Value.ValueKind)}");
            }

            metadata[pair.Name] = pair.Value.GetString()!;
        }
    }

    private static SafeTensorInfo ReadTensor(string name, JsonElement entry, string path)
    {
        if (entry.ValueKind != JsonValueKind.Object)
        {
            throw Error(path, $"tensor '{name}': header entry must be an object, found {Describe(entry.ValueKind)}");
        }

        if (!entry.TryGetProperty("dtype", out JsonElement dtype) || dtype.ValueKind != JsonValueKind.String)
        {
            throw Error(path, $"tensor '{name}': header entry lacks a string \"dtype\"");
        }

        if (!entry.TryGetProperty("shape", out JsonElement shapeElement) || shapeElement.ValueKind != JsonValueKind.Array)
        {
            throw Error(path, $"tensor '{name}': header entry lacks a \"shape\" array");
        }

        if (!entry.TryGetProperty("data_offsets", out JsonElement offsets) || offsets.ValueKind != JsonValueKind.Array || offsets.GetArrayLength() != 2)
        {
            throw Error(path, $"tensor '{name}': header entry lacks a two-element \"data_offsets\" array");
        }

        int[] shape = new int[shapeElement.GetArrayLength()];
        long count = 1;
        for (int i = 0; i < shape.Length; i++)
        {
            JsonElement d = shapeElement[i];
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt32(out shape[i]) || shape[i] < 0)
            {
                throw Error(path, $"tensor '{name}': shape entry {i} ({d.GetRawText()}) is not a non-negative 32-bit integer");
            }

            count *= shape[i];
            if (count > Array.MaxLength)
            {
                throw Error(path, $"tensor '{name}': shape {Tensor.ShapeString(shape.AsSpan(0, i + 1))}... has more elements than an array can hold");
            }
        }

        long begin = ReadOffset(name, offsets[0], path);
        long end = ReadOffset(name, offsets[1], path);
        return new SafeTensorInfo(name, dtype.GetString()!, shape, begin, end);
    }

    private static long ReadOffset(string name, JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt64(out long value) || value < 0)
        {
            throw Error(path, $"tensor '{name}': data offset {element.GetRawText()} is not a non-negative integer");
        }

        return value;
    }

    private static void ValidateOffsets(IEnumerable<SafeTensorInfo> tensors, long dataLength, string path)
    {
        foreach (SafeTensorInfo t in tensors)
        {
            if (t.Begin > t.End)
            {
                throw Error(path, $"tensor '{t.Name}': data_offsets [{t.Begin},{t.End}] end before they begin");
            }

            if (t.End > dataLength)
            {
                throw Error(path, $"truncated or corrupt: tensor '{t.Name}' has data_offsets [{t.Begin},{t.End}], past the end of the {dataLength} bytes of tensor data in the file");
            }

            int? elementSize = SafeTensorsDType.ElementSize(t.DType);
            if (elementSize is int size && t.ByteLength != t.ElementCount * size)
            {
                throw Error(path, $"tensor '{t.Name}': data_offsets [{t.Begin},{t.End}] span {t.ByteLength} bytes, but {t.DType} shape {Tensor.ShapeString(t.Shape)} needs {t.ElementCount * size}");
            }
        }

        SafeTensorInfo? previous = null;
        foreach (SafeTensorInfo t in tensors.Where(t => t.ByteLength > 0).OrderBy(t => t.Begin))
        {
            if (previous is not null && t.Begin < previous.End)
            {
                throw Error(path, $"tensors '{previous.Name}' [{previous.Begin},{previous.End}] and '{t.Name}' [{t.Begin},{t.End}] have overlapping data_offsets");
            }

            previous = t;
        }
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => kind.ToString(),
    };

    private static SafeTensorsFormatException Error(string path, string problem, Exception? inner = null) =>
        new($"{path}: {problem}", inner);
}
