namespace FoolingCluster.Tensors.Kernels;

/// <summary>
/// Copies blocks of op(A) and op(B) into the micro-panel layout the microkernels stream through.
/// Packing absorbs the transposes, so every trans combination runs the same microkernel, and
/// pads ragged edges with zeros, so the microkernel never needs a tail.
/// </summary>
internal static unsafe class GemmPacking
{
    /// <summary>
    /// Packs <c>op(A)[0..mc, 0..kc]</c> into panels of <paramref name="mr"/> rows:
    /// <c>dst[q*mr*kc + p*mr + r] = op(A)[q*mr + r, p]</c>, zero for rows at or past <paramref name="mc"/>.
    /// </summary>
    /// <param name="transA">Whether A is stored <c>[k,m]</c>.</param>
    /// <param name="a">Address of <c>op(A)[0,0]</c> of the block.</param>
    /// <param name="lda">Row stride of A as stored.</param>
    /// <param name="mc">Rows of the block.</param>
    /// <param name="kc">Depth of the block.</param>
    /// <param name="mr">Rows per micro-panel.</param>
    /// <param name="dst">Destination, <c>ceil(mc/mr)*mr*kc</c> floats.</param>
    public static void PackA(bool transA, float* a, nint lda, int mc, int kc, int mr, float* dst)
    {
        for (int i = 0; i < mc; i += mr)
        {
            int rows = Math.Min(mr, mc - i);
            if (transA)
            {
                // Stored [k,m]: the rows of one step are contiguous, so copy a run per step.
                float* src = a + i;
                for (int p = 0; p < kc; p++)
                {
                    float* s = src + (p * lda);
                    float* d = dst + (p * mr);
                    int r = 0;
                    for (; r < rows; r++)
                    {
                        d[r] = s[r];
                    }

                    for (; r < mr; r++)
                    {
                        d[r] = 0f;
                    }
                }
            }
            else
            {
                // Stored [m,k]: walk each row contiguously and scatter it with stride mr.
                for (int r = 0; r < rows; r++)
                {
                    float* s = a + ((i + r) * lda);
                    float* d = dst + r;
                    for (int p = 0; p < kc; p++)
                    {
                        d[p * mr] = s[p];
                    }
                }

                for (int r = rows; r < mr; r++)
                {
                    float* d = dst + r;
                    for (int p = 0; p < kc; p++)
                    {
                        d[p * mr] = 0f;
                    }
                }
            }

            dst += mr * kc;
        }
    }

    /// <summary>
    /// Packs <c>op(B)[0..kc, 0..nc]</c> into panels of <paramref name="nr"/> columns:
    /// <c>dst[q*nr*kc + p*nr + j] = op(B)[p, q*nr + j]</c>, zero for columns at or past <paramref name="nc"/>.
    /// </summary>
    /// <param name="transB">Whether B is stored <c>[n,k]</c>.</param>
    /// <param name="b">Address of <c>op(B)[0,0]</c> of the block.</param>
    /// <param name="ldb">Row stride of B as stored.</param>
    /// <param name="kc">Depth of the block.</param>
    /// <param name="nc">Columns of the block.</param>
    /// <param name="nr">Columns per micro-panel.</param>
    /// <param name="dst">Destination, <c>ceil(nc/nr)*nr*kc</c> floats.</param>
    public static void PackB(bool transB, float* b, nint ldb, int kc, int nc, int nr, float* dst)
    {
        for (int j = 0; j < nc; j += nr)
        {
            int cols = Math.Min(nr, nc - j);
            if (transB)
            {
                // Stored [n,k]: walk each column of op(B) contiguously and scatter it with stride nr.
                for (int q = 0; q < cols; q++)
                {
                    float* s = b + ((j + q) * ldb);
                    float* d = dst + q;
                    for (int p = 0; p < kc; p++)
                    {
                        d[p * nr] = s[p];
                    }
                }

                for (int q = cols; q < nr; q++)
                {
                    float* d = dst + q;
                    for (int p = 0; p < kc; p++)
                    {
                        d[p * nr] = 0f;
                    }
                }
            }
            else
            {
                // Stored [k,n]: the columns of one step are contiguous, so copy a run per step.
                float* src = b + j;
                for (int p = 0; p < kc; p++)
                {
                    float* d = dst + (p * nr);
                    new ReadOnlySpan<float>(src + (p * ldb), cols).CopyTo(new Span<float>(d, cols));
                    if (cols < nr)
                    {
                        new Span<float>(d + cols, nr - cols).Clear();
                    }
                }
            }

            dst += nr * kc;
        }
    }
}
