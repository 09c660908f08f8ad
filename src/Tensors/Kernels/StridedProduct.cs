namespace FoolingCluster.Tensors.Kernels;

/// <summary>
/// <c>C = A·B</c> with A packed once (<see cref="GemmPackedA"/>) and B a row-major matrix read
/// where it lies, a run of the microkernel's columns per depth step, so that no panel of B is
/// packed: a convolution's padded image, each window row a run at a fixed shift
/// (<see cref="DirectConvKernel"/>), and Winograd's transformed tiles (<see cref="WinogradConvKernel"/>),
/// written once, in L2, and read once.
/// </summary>
/// <remarks>
/// Not used for the unfolded columns of a convolution: LeNet's second layer ran about 7 % slower
/// reading its 128-column unfolded matrix in place than packing it (alternating in one process).
/// </remarks>
internal static unsafe class StridedProduct
{
    /// <summary>
    /// Row tiles <c>[rowFirst, rowLast)</c> of <c>C = A·B</c> over <paramref name="columnTiles"/>
    /// tiles of columns, B's depth step p at <c>b + shifts[p]</c>; C's row 0 is the first row of
    /// tile <paramref name="rowFirst"/>. Per column tile and depth block, the tile's runs of B stay
    /// in L1 while the microkernel passes down A's rows.
    /// </summary>
    public static void Multiply<TKernel>(GemmPackedA a, float* b, int* shifts, int columnTiles, float* c, int ldc, int rowFirst, int rowLast)
        where TKernel : struct, IGemmMicroKernel
    {
        int mr = TKernel.Mr, nr = TKernel.Nr;
        int k = a.K;
        int kcMax = Math.Min(TKernel.Kc, k);
        fixed (float* panels = a.Panels)
        {
            for (int t = 0; t < columnTiles; t++)
            {
                float* origin = b + ((nint)t * nr);
                float* cTile = c + ((nint)t * nr);
                for (int pc = 0; pc < k; pc += kcMax)
                {
                    int kc = Math.Min(kcMax, k - pc);
                    float beta = pc == 0 ? 0f : 1f;
                    float* block = panels + ((nint)pc * a.PaddedRows);
                    var rows = new ShiftedRows(origin, shifts + pc);
                    for (int rt = rowFirst; rt < rowLast; rt++)
                    {
                        int i = rt * mr;
                        TKernel.Run(kc, block + ((nint)i * kc), rows, cTile + ((nint)(i - (rowFirst * mr)) * ldc), ldc, Math.Min(mr, a.M - i), 1f, beta);
                    }
                }
            }
        }
    }
}
