namespace FoolingCluster.Tensors.Kernels;

/// <summary>
/// A register-tiled update of one <c>Mr x Nr</c> tile of C from packed panels, plus the cache
/// blocking that suits it. Implemented by structs so the blocked driver is specialised per kernel.
/// </summary>
internal unsafe interface IGemmMicroKernel
{
    /// <summary>Rows of the register tile; packed A panels are <c>Mr</c> rows wide.</summary>
    static abstract int Mr { get; }

    /// <summary>Columns of the register tile; packed B panels are <c>Nr</c> columns wide.</summary>
    static abstract int Nr { get; }

    /// <summary>Rows of A packed at once (a multiple of <see cref="Mr"/>); sized for L2.</summary>
    static abstract int Mc { get; }

    /// <summary>Depth of a packed block; an A micro-panel plus a B micro-panel should fit in L1.</summary>
    static abstract int Kc { get; }

    /// <summary>Columns of B packed at once (a multiple of <see cref="Nr"/>); sized for L3.</summary>
    static abstract int Nc { get; }

    /// <summary>
    /// <c>C[0..Mr, 0..Nr] = alpha * Ap * Bp + beta * C</c>, where <c>Ap</c> is <c>kc</c> steps of
    /// <c>Mr</c> floats and <c>Bp</c> is <c>kc</c> steps of <c>Nr</c> floats, each step's where
    /// <paramref name="b"/> says (a packed panel, or runs of an image read in place).
    /// Only the first <paramref name="rows"/> rows of C (1 to <c>Mr</c>) are touched, so a
    /// partial tile at the bottom edge needs no staging. When <paramref name="beta"/> is 0, C is
    /// written without being read.
    /// </summary>
    static abstract void Run<TRows>(int kc, float* a, TRows b, float* c, nint ldc, int rows, float alpha, float beta)
        where TRows : struct, IDepthRows;
}
