namespace FoolingCluster.Models.Data;

/// <summary>The contents of one idx file: its dimensions and its elements, row-major.</summary>
public sealed class IdxArray
{
    internal IdxArray(int[] dimensions, byte[]? bytes, float[]? floats)
    {
        Dimensions = dimensions;
        Bytes = bytes;
        Floats = floats;
    }

    /// <summary>Element type recorded in the file's magic number.</summary>
    public IdxElementType ElementType => Bytes is not null ? IdxElementType.UnsignedByte : IdxElementType.Float32;

    /// <summary>Dimensions, outermost first; the first is the number of items (images, labels).</summary>
    public int[] Dimensions { get; }

    /// <summary>Number of items: the first dimension.</summary>
    public int Count => Dimensions[0];

    /// <summary>The elements when <see cref="ElementType"/> is <see cref="IdxElementType.UnsignedByte"/>, else null.</summary>
    public byte[]? Bytes { get; }

    /// <summary>The elements when <see cref="ElementType"/> is <see cref="IdxElementType.Float32"/>, else null.</summary>
    public float[]? Floats { get; }
}
