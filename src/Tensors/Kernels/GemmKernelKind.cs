namespace FoolingCluster.Tensors.Kernels;

/// <summary>Which implementation <see cref="Gemm"/> runs; tests pin one to cover every path on any CPU.</summary>
internal enum GemmKernelKind
{
    /// <summary>Direct path for tiny problems, otherwise the widest accelerated microkernel.</summary>
    Auto,

    /// <summary>Unpacked loops over the operands, used for tiny problems.</summary>
    Direct,

    /// <summary>Packed, blocked driver with the scalar microkernel.</summary>
    Scalar,

    /// <summary>Packed, blocked driver with the Vector256 + FMA microkernel.</summary>
    Vector256,

    /// <summary>Packed, blocked driver with the Vector512 + FMA microkernel.</summary>
    Vector512,

    /// <summary>Register-blocked dot products for a small C and a long k, A <c>[m,k]</c> and B stored <c>[n,k]</c> only.</summary>
    Dot,
}
