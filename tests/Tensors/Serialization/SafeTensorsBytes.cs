using System.Buffers.Binary;
using System.Text;

namespace FoolingCluster.Tensors.Tests.Serialization;

/// <summary>Builds safetensors files by hand, independently of the writer under test.</summary>
internal static class SafeTensorsBytes
{
    public static byte[] Build(string headerJson, ReadOnlySpan<byte> data)
    {
        byte[] json = Encoding.UTF8.GetBytes(headerJson);
        byte[] file = new byte[8 + json.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)json.Length);
        json.CopyTo(file, 8);
        data.CopyTo(file.AsSpan(8 + json.Length));
        return file;
    }

    public static byte[] Floats(params float[] values)
    {
        byte[] bytes = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        }

        return bytes;
    }
}
