using System.Buffers;
using System.Numerics.Tensors;

namespace FoolingCluster.Tensors.Kernels;

/// <summary>
/// GotoBLAS-style driver: blocks of B (<c>Kc x Nc</c>, kept in L3) and of A (<c>Mc x Kc</c>, kept
/// in L2) are packed into micro-panels and swept by a register-tiled microkernel. Threads split C
/// into strips along its larger dimension; each strip is an independent problem with its own
/// packing buffers, so workers never wait on each other.
/// </summary>
internal static unsafe class GemmBlocked
{
    /// <summary>Below this many multiply-adds a second thread costs more than it saves.</summary>
    private const long ParallelThreshold = 1L << 19;

    /// <summary>Cache-line alignment of the packed panels, in floats.</summary>
    private const int AlignFloats = 16;

    /// <summary>Runs the whole problem, B from <paramref name="source"/>, with at most <paramref name="threads"/> workers; requires m, n, k &gt; 0.</summary>
    public static void Run<TKernel, TSource>(in GemmOperands op, in TSource source, int threads)
        where TKernel : struct, IGemmMicroKernel
        where TSource : struct, IPanelSource
    {
        int mTiles = (op.M + TKernel.Mr - 1) / TKernel.Mr;
        int nTiles = (op.N + TKernel.Nr - 1) / TKernel.Nr;

        // Every worker packs all of the operand that is not split, so split the larger dimension,
        // unless it has too few tiles to go round and the other has more.
        bool splitN = op.N >= op.M;
        int splitTiles = splitN ? nTiles : mTiles;
        int otherTiles = splitN ? mTiles : nTiles;
        if (splitTiles < threads && otherTiles > splitTiles)
        {
            splitN = !splitN;
        }

        int workers = Math.Min(threads, splitN ? nTiles : mTiles);
        if (workers <= 1 || (long)op.M * op.N * op.K < ParallelThreshold)
        {
            RunSerial<TKernel, TSource>(op, source);
            return;
        }

        GemmOperands whole = op;
        TSource panels = source;
        int tiles = splitN ? nTiles : mTiles;
        WorkerTeam.For(workers, workers, w =>
        {
            // Whole tiles per worker keep every strip but the last free of edge tiles.
            int first = (int)((long)tiles * w / workers);
            int last = (int)((long)tiles * (w + 1) / workers);
            if (splitN)
            {
                int col0 = first * TKernel.Nr;
                int cols = Math.Min(whole.N, last * TKernel.Nr) - col0;
                RunSerial<TKernel, TSource>(whole.Slice(0, whole.M, col0, cols), panels);
            }
            else
            {
                int row0 = first * TKernel.Mr;
                int rows = Math.Min(whole.M, last * TKernel.Mr) - row0;
                RunSerial<TKernel, TSource>(whole.Slice(row0, rows, 0, whole.N), panels);
            }
        });
    }

    /// <summary>Runs the problem, B from <paramref name="source"/>, on the calling thread; requires m, n, k &gt; 0.</summary>
    public static void RunSerial<TKernel, TSource>(in GemmOperands op, in TSource source)
        where TKernel : struct, IGemmMicroKernel
        where TSource : struct, IPanelSource
    {
        int mr = TKernel.Mr;
        int nr = TKernel.Nr;
        int kcMax = Math.Min(TKernel.Kc, op.K);
        int mcMax = Math.Min(TKernel.Mc, RoundUp(op.M, mr));
        int ncMax = Math.Min(TKernel.Nc, RoundUp(op.N, nr));
        int aSize = RoundUp(mcMax * kcMax, AlignFloats);
        int bSize = RoundUp(ncMax * kcMax, AlignFloats);
        int tileSize = RoundUp(mr * nr, AlignFloats);
        float[] buffer = ArrayPool<float>.Shared.Rent(aSize + bSize + tileSize + AlignFloats);
        try
        {
            fixed (float* raw = buffer)
            {
                float* aPack = (float*)(((nint)raw + (AlignFloats * sizeof(float)) - 1) & ~((nint)(AlignFloats * sizeof(float)) - 1));
                float* bPack = aPack + aSize;
                float* tile = bPack + bSize;
                Sweep<TKernel, TSource>(op, source, aPack, bPack, tile, mcMax, kcMax, ncMax);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(buffer);
        }
    }

    private static void Sweep<TKernel, TSource>(in GemmOperands op, in TSource source, float* aPack, float* bPack, float* tile, int mcMax, int kcMax, int ncMax)
        where TKernel : struct, IGemmMicroKernel
        where TSource : struct, IPanelSource
    {
        int mr = TKernel.Mr;
        int nr = TKernel.Nr;
        for (int jc = 0; jc < op.N; jc += ncMax)
        {
            int nc = Math.Min(ncMax, op.N - jc);
            for (int pc = 0; pc < op.K; pc += kcMax)
            {
                int kc = Math.Min(kcMax, op.K - pc);

                // Later depth blocks accumulate onto what the first one wrote.
                float beta = pc == 0 ? op.Beta : 1f;
                source.Pack(pc, kc, op.Col0 + jc, nc, nr, bPack);
                for (int ic = 0; ic < op.M; ic += mcMax)
                {
                    int mc = Math.Min(mcMax, op.M - ic);
                    float* aPanels = PanelsOfA(op, aPack, pc, ic, mc, kc, mr);
                    float* cBlock = op.C + (ic * op.Ldc) + jc;
                    for (int jr = 0; jr < nc; jr += nr)
                    {
                        int cols = Math.Min(nr, nc - jr);
                        float* bPanel = bPack + (jr * kc);
                        for (int ir = 0; ir < mc; ir += mr)
                        {
                            int rows = Math.Min(mr, mc - ir);
                            float* aPanel = aPanels + (ir * kc);
                            float* c = cBlock + (ir * op.Ldc) + jr;
                            if (cols == nr)
                            {
                                TKernel.Run(kc, aPanel, new PanelRows(bPanel, nr), c, op.Ldc, rows, op.Alpha, beta);
                            }
                            else
                            {
                                // Right edge: compute the padded tile aside, then merge only the valid columns.
                                TKernel.Run(kc, aPanel, new PanelRows(bPanel, nr), tile, nr, rows, op.Alpha, 0f);
                                MergeTile(tile, nr, c, op.Ldc, rows, cols, beta);
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// The micro-panels of <c>op(A)[ic..ic+mc, pc..pc+kc]</c>: read in place from a packed A, whose
    /// depth block pc holds all its rows' panels one after another, else packed into <paramref name="aPack"/>.
    /// </summary>
    private static float* PanelsOfA(in GemmOperands op, float* aPack, int pc, int ic, int mc, int kc, int mr)
    {
        if (op.PackedA != null)
        {
            return op.PackedA + ((nint)pc * op.PackedRows) + ((nint)(op.PackedRow0 + ic) * kc);
        }

        float* aBlock = op.TransA ? op.A + (pc * op.Lda) + ic : op.A + (ic * op.Lda) + pc;
        GemmPacking.PackA(op.TransA, aBlock, op.Lda, mc, kc, mr, aPack);
        return aPack;
    }

    /// <summary><c>C[r,j] = tile[r,j] + beta * C[r,j]</c> for the valid part of an edge tile; C is not read when beta is 0.</summary>
    private static void MergeTile(float* tile, int ldt, float* c, nint ldc, int rows, int cols, float beta)
    {
        for (int r = 0; r < rows; r++)
        {
            var t = new ReadOnlySpan<float>(tile + (r * ldt), cols);
            var cr = new Span<float>(c + (r * ldc), cols);
            if (beta == 0f)
            {
                t.CopyTo(cr);
            }
            else
            {
                TensorPrimitives.MultiplyAdd(cr, beta, t, cr);
            }
        }
    }

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;
}
