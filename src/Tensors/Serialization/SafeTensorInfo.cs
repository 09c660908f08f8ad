namespace FoolingCluster.Tensors.Serialization;

/// <summary>One tensor's entry in a safetensors header.</summary>
/// <param name="Name">Tensor name, e.g. <c>conv1.weight</c>.</param>
/// <param name="DType">Element type as spelled in the file (<c>F32</c>, <c>F16</c>, <c>I64</c>...).</param>
/// <param name="Shape">Dimensions, outermost first; empty for a scalar.</param>
/// <param name="Begin">Offset of the first byte, relative to the data buffer after the header.</param>
/// <param name="End">Offset one past the last byte, relative to the data buffer.</param>
public sealed record SafeTensorInfo(string Name, string DType, int[] Shape, long Begin, long End)
{
    /// <summary>Number of elements: the product of <see cref="Shape"/> (1 for a scalar).</summary>
    public long ElementCount
    {
        get
        {
            long count = 1;
            foreach (int d in Shape)
            {
                count *= d;
            }

            return count;
        }
    }

    /// <summary>Length of the tensor's data in bytes.</summary>
    public long ByteLength => End - Begin;
}
