namespace FoolingCluster.Tensors.Serialization;

/// <summary>The element types the safetensors format defines, and their sizes.</summary>
internal static class SafeTensorsDType
{
    /// <summary>The one element type this engine reads and writes.</summary>
    public const string F32 = "F32";

    /// <summary>
    /// Bytes per element for a dtype the format defines, or null for a name it does not;
    /// known sizes let the reader check every tensor's byte length even for dtypes it cannot load.
    /// </summary>
    public static int? ElementSize(string dtype) => dtype switch
    {
        "BOOL" or "U8" or "I8" or "F8_E5M2" or "F8_E4M3" => 1,
        "U16" or "I16" or "F16" or "BF16" => 2,
        "U32" or "I32" or "F32" => 4,
        "U64" or "I64" or "F64" => 8,
        _ => null,
    };
}
