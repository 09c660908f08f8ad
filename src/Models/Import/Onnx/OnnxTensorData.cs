using System.Buffers.Binary;
using System.Runtime.InteropServices;
using FoolingCluster.Models.Import.Onnx.Proto;

namespace FoolingCluster.Models.Import.Onnx;

/// <summary>
/// Reads the elements of a <see cref="TensorProto"/>: float32 weights and int64 shape tensors,
/// from <c>raw_data</c> (little-endian) or from the typed <c>float_data</c> / <c>int64_data</c> fields.
/// </summary>
internal static class OnnxTensorData
{
    /// <summary>The tensor's dimensions as ints.</summary>
    /// <param name="where">Names the tensor in messages, e.g. <c>initializer 'fc1.weight'</c>.</param>
    public static int[] Dims(TensorProto tensor, string path, string where)
    {
        int[] dims = new int[tensor.Dims.Count];
        for (int i = 0; i < dims.Length; i++)
        {
            long d = tensor.Dims[i];
            if (d < 0 || d > int.MaxValue)
            {
                throw new OnnxFormatException(path, $"{where} has an invalid dimension {d}");
            }

            dims[i] = (int)d;
        }

        return dims;
    }

    /// <summary>Whether the tensor holds float32 elements.</summary>
    public static bool IsFloat(TensorProto tensor) => tensor.DataType == (int)TensorProto.Types.DataType.Float;

    /// <summary>Whether the tensor holds int64 elements.</summary>
    public static bool IsInt64(TensorProto tensor) => tensor.DataType == (int)TensorProto.Types.DataType.Int64;

    /// <summary>The float32 elements, row-major.</summary>
    /// <exception cref="OnnxFormatException">Another element type, external data, or an element count that disagrees with the dimensions.</exception>
    public static float[] Floats(TensorProto tensor, string path, string where)
    {
        int count = Count(tensor, path, where);
        if (!IsFloat(tensor))
        {
            throw new OnnxFormatException(path, $"{where} has element type {TypeName(tensor.DataType)}; the importer reads float32 weights only");
        }

        float[] values;
        if (!tensor.RawData.IsEmpty)
        {
            ReadOnlySpan<byte> raw = tensor.RawData.Span;
            CheckCount(raw.Length / sizeof(float), count, raw.Length % sizeof(float) != 0, path, where);
            values = new float[count];
            for (int i = 0; i < count; i++)
            {
                values[i] = BinaryPrimitives.ReadSingleLittleEndian(raw[(i * sizeof(float))..]);
            }
        }
        else
        {
            CheckCount(tensor.FloatData.Count, count, false, path, where);
            values = [.. tensor.FloatData];
        }

        return values;
    }

    /// <summary>The int64 elements, row-major.</summary>
    /// <exception cref="OnnxFormatException">Another element type, external data, or an element count that disagrees with the dimensions.</exception>
    public static long[] Int64s(TensorProto tensor, string path, string where)
    {
        int count = Count(tensor, path, where);
        if (!IsInt64(tensor))
        {
            throw new OnnxFormatException(path, $"{where} has element type {TypeName(tensor.DataType)} where int64 is expected");
        }

        if (!tensor.RawData.IsEmpty)
        {
            ReadOnlySpan<byte> raw = tensor.RawData.Span;
            CheckCount(raw.Length / sizeof(long), count, raw.Length % sizeof(long) != 0, path, where);
            long[] values = MemoryMarshal.Cast<byte, long>(raw).ToArray();
            if (!BitConverter.IsLittleEndian)
            {
                BinaryPrimitives.ReverseEndianness(values, values);
            }

            return values;
        }

        CheckCount(tensor.Int64Data.Count, count, false, path, where);
        return [.. tensor.Int64Data];
    }

    /// <summary>The ONNX name of an element type, e.g. <c>FLOAT16</c>.</summary>
    public static string TypeName(int dataType) =>
        Enum.IsDefined((TensorProto.Types.DataType)dataType) ? ((TensorProto.Types.DataType)dataType).ToString().ToUpperInvariant() : $"#{dataType}";

    private static int Count(TensorProto tensor, string path, string where)
    {
        if (tensor.DataLocation == TensorProto.Types.DataLocation.External || tensor.ExternalData.Count > 0)
        {
            throw new OnnxFormatException(path, $"{where} keeps its data in an external file, which the importer does not read; export the model with its weights inside the .onnx file");
        }

        long count = 1;
        foreach (int d in Dims(tensor, path, where))
        {
            count *= d;
            if (count > Array.MaxLength)
            {
                throw new OnnxFormatException(path, $"{where} is too large ({string.Join("×", tensor.Dims)} elements)");
            }
        }

        return (int)count;
    }

    private static void CheckCount(int found, int expected, bool ragged, string path, string where)
    {
        if (found != expected || ragged)
        {
            throw new OnnxFormatException(path, $"{where} holds {found} elements but its dimensions call for {expected} (is the file truncated?)");
        }
    }
}
