using System.Globalization;

namespace FoolingCluster.Models.Data;

/// <summary>
/// Constants of the idx format (LeCun's MNIST files): a magic number <c>0x0000TTRR</c> with
/// element type TT and rank RR, then RR big-endian u32 dimensions, then the elements row-major.
/// </summary>
internal static class IdxFormat
{
    /// <summary>Magic number of a rank-1 ubyte file: MNIST labels.</summary>
    public const int LabelsMagic = 0x00000801;

    /// <summary>Magic number of a rank-3 ubyte file: MNIST images <c>[N,H,W]</c>.</summary>
    public const int ImagesMagic = 0x00000803;

    /// <summary>Composes the magic number for an element type and rank.</summary>
    public static int Magic(IdxElementType type, int rank) => ((int)type << 8) | rank;

    /// <summary>Bytes per element.</summary>
    public static int ElementSize(IdxElementType type) => type == IdxElementType.Float32 ? sizeof(float) : 1;

    /// <summary>Short name used in messages: <c>ubyte</c> or <c>float32</c>.</summary>
    public static string TypeName(IdxElementType type) => type == IdxElementType.Float32 ? "float32" : "ubyte";

    /// <summary>Formats a magic number as <c>0x00000803</c>.</summary>
    public static string Hex(int magic) => "0x" + magic.ToString("X8", CultureInfo.InvariantCulture);

    /// <summary>Formats dimensions as <c>10000×28×28</c>.</summary>
    public static string Dims(ReadOnlySpan<int> dims)
    {
        string[] parts = new string[dims.Length];
        for (int i = 0; i < dims.Length; i++)
        {
            parts[i] = dims[i].ToString(CultureInfo.InvariantCulture);
        }

        return string.Join("×", parts);
    }
}
