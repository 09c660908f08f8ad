using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Google.Protobuf;

namespace FoolingCluster.Protocol;

/// <summary>float32 arrays as little-endian bytes in messages (images, adversarials).</summary>
public static class FloatBytes
{
    /// <summary>The values as little-endian bytes.</summary>
    public static ByteString From(ReadOnlySpan<float> values)
    {
        if (BitConverter.IsLittleEndian)
        {
            return ByteString.CopyFrom(MemoryMarshal.AsBytes(values));
        }

        byte[] bytes = new byte[values.Length * sizeof(float)];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), values[i]);
        }

        return ByteString.CopyFrom(bytes);
    }

    /// <summary>The values back, or null when the byte count is not exactly <paramref name="count"/> floats.</summary>
    public static float[]? ToArray(ByteString bytes, int count)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (count < 0 || bytes.Length != (long)count * sizeof(float))
        {
            return null;
        }

        float[] values = new float[count];
        ReadOnlySpan<byte> span = bytes.Span;
        for (int i = 0; i < count; i++)
        {
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(span.Slice(i * sizeof(float)));
        }

        return values;
    }
}
