namespace FoolingCluster.Models.Data;

/// <summary>Element types of the idx format that this project reads and writes (the third byte of the magic number).</summary>
public enum IdxElementType : byte
{
    /// <summary>Unsigned bytes: MNIST pixels and labels.</summary>
    UnsignedByte = 0x08,

    /// <summary>Big-endian signed 32-bit integers: labels of more than 256 classes.</summary>
    Int32 = 0x0C,

    /// <summary>Big-endian IEEE float32: images produced by attacks and searches.</summary>
    Float32 = 0x0D,
}
