namespace FoolingCluster.Tensors.Kernels;

/// <summary>
/// Where the blocked GEMM gets its right operand: whatever B is, the sweep asks for one
/// <c>kc x nc</c> block at a time in the micro-panel layout of <see cref="GemmPacking.PackB"/>.
/// A stored matrix is copied (<see cref="MatrixPanels"/>); a convolution's column matrix is
/// unfolded from its images straight into the panels (<see cref="WindowPanels"/>), never stored whole.
/// Implemented by structs so the driver is specialised per source.
/// </summary>
internal unsafe interface IPanelSource
{
    /// <summary>
    /// Writes <c>op(B)[pc..pc+kc, j0..j0+nc]</c> as panels of <paramref name="nr"/> columns:
    /// <c>dst[q*nr*kc + p*nr + j] = op(B)[pc + p, j0 + q*nr + j]</c>, zero for columns at or past <paramref name="nc"/>.
    /// </summary>
    void Pack(int pc, int kc, int j0, int nc, int nr, float* dst);
}

/// <summary>B stored as a matrix, <c>[k,n]</c>, or <c>[n,k]</c> when transposed.</summary>
internal readonly unsafe struct MatrixPanels(bool transB, float* b, nint ldb) : IPanelSource
{
    /// <inheritdoc/>
    public void Pack(int pc, int kc, int j0, int nc, int nr, float* dst)
    {
        float* block = transB ? b + (j0 * ldb) + pc : b + (pc * ldb) + j0;
        GemmPacking.PackB(transB, block, ldb, kc, nc, nr, dst);
    }
}
