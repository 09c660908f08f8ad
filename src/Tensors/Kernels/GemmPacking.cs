using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

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
                // Stored [n,k]: op(B) is transposed on the way in, 8x8 at a time where AVX allows;
                // the rest walks each column of op(B) contiguously and scatters it with stride nr.
                int q = 0;
                if (Avx.IsSupported)
                {
                    for (; q + 8 <= cols; q += 8)
                    {
                        PackTransposed8(b + ((j + q) * ldb), ldb, kc, nr, dst + q);
                    }
                }

                for (; q < cols; q++)
                {
                    float* s = b + ((j + q) * ldb);
                    float* d = dst + q;
                    for (int p = 0; p < kc; p++)
                    {
                        d[p * nr] = s[p];
                    }
                }

                for (; q < nr; q++)
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
                if (cols == nr)
                {
                    CopyRows(src, ldb, kc, nr, dst);
                }
                else
                {
                    for (int p = 0; p < kc; p++)
                    {
                        float* d = dst + (p * nr);
                        new ReadOnlySpan<float>(src + (p * ldb), cols).CopyTo(new Span<float>(d, cols));
                        new Span<float>(d + cols, nr - cols).Clear();
                    }
                }
            }

            dst += nr * kc;
        }
    }

    /// <summary>
    /// <c>dst[p*nr + q] = src[p*lds + q]</c> for <c>q &lt; nr</c>: full-width rows copied with
    /// inline vector moves, as a memmove call per row costs as much as the copy at these lengths.
    /// </summary>
    private static void CopyRows(float* src, nint lds, int kc, int nr, float* dst)
    {
        if (Vector512.IsHardwareAccelerated && nr % Vector512<float>.Count == 0)
        {
            for (int p = 0; p < kc; p++)
            {
                float* s = src + (p * lds);
                float* d = dst + (p * nr);
                for (int q = 0; q < nr; q += Vector512<float>.Count)
                {
                    Vector512.Store(Vector512.Load(s + q), d + q);
                }
            }
        }
        else if (Vector256.IsHardwareAccelerated && nr % Vector256<float>.Count == 0)
        {
            for (int p = 0; p < kc; p++)
            {
                float* s = src + (p * lds);
                float* d = dst + (p * nr);
                for (int q = 0; q < nr; q += Vector256<float>.Count)
                {
                    Vector256.Store(Vector256.Load(s + q), d + q);
                }
            }
        }
        else
        {
            for (int p = 0; p < kc; p++)
            {
                new ReadOnlySpan<float>(src + (p * lds), nr).CopyTo(new Span<float>(dst + (p * nr), nr));
            }
        }
    }

    /// <summary>
    /// <c>dst[p*nr + q] = src[q*lds + p]</c> for 8 rows q of the source and all <paramref name="kc"/>
    /// steps p: whole 8x8 blocks go through registers, the last <c>kc % 8</c> steps one by one.
    /// </summary>
    private static void PackTransposed8(float* src, nint lds, int kc, int nr, float* dst)
    {
        int p = 0;
        for (; p + 8 <= kc; p += 8)
        {
            float* s = src + p;
            Vector256<float> r0 = Avx.LoadVector256(s);
            Vector256<float> r1 = Avx.LoadVector256(s + lds);
            Vector256<float> r2 = Avx.LoadVector256(s + (2 * lds));
            Vector256<float> r3 = Avx.LoadVector256(s + (3 * lds));
            Vector256<float> r4 = Avx.LoadVector256(s + (4 * lds));
            Vector256<float> r5 = Avx.LoadVector256(s + (5 * lds));
            Vector256<float> r6 = Avx.LoadVector256(s + (6 * lds));
            Vector256<float> r7 = Avx.LoadVector256(s + (7 * lds));

            // Interleave pairs of rows, then pairs of pairs, then swap 128-bit halves.
            Vector256<float> t0 = Avx.UnpackLow(r0, r1);
            Vector256<float> t1 = Avx.UnpackHigh(r0, r1);
            Vector256<float> t2 = Avx.UnpackLow(r2, r3);
            Vector256<float> t3 = Avx.UnpackHigh(r2, r3);
            Vector256<float> t4 = Avx.UnpackLow(r4, r5);
            Vector256<float> t5 = Avx.UnpackHigh(r4, r5);
            Vector256<float> t6 = Avx.UnpackLow(r6, r7);
            Vector256<float> t7 = Avx.UnpackHigh(r6, r7);
            Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44);
            Vector256<float> u1 = Avx.Shuffle(t0, t2, 0xEE);
            Vector256<float> u2 = Avx.Shuffle(t1, t3, 0x44);
            Vector256<float> u3 = Avx.Shuffle(t1, t3, 0xEE);
            Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44);
            Vector256<float> u5 = Avx.Shuffle(t4, t6, 0xEE);
            Vector256<float> u6 = Avx.Shuffle(t5, t7, 0x44);
            Vector256<float> u7 = Avx.Shuffle(t5, t7, 0xEE);

            float* d = dst + (p * nr);
            Avx.Store(d, Avx.Permute2x128(u0, u4, 0x20));
            Avx.Store(d + nr, Avx.Permute2x128(u1, u5, 0x20));
            Avx.Store(d + (2 * nr), Avx.Permute2x128(u2, u6, 0x20));
            Avx.Store(d + (3 * nr), Avx.Permute2x128(u3, u7, 0x20));
            Avx.Store(d + (4 * nr), Avx.Permute2x128(u0, u4, 0x31));
            Avx.Store(d + (5 * nr), Avx.Permute2x128(u1, u5, 0x31));
            Avx.Store(d + (6 * nr), Avx.Permute2x128(u2, u6, 0x31));
            Avx.Store(d + (7 * nr), Avx.Permute2x128(u3, u7, 0x31));
        }

        for (; p < kc; p++)
        {
            float* d = dst + (p * nr);
            for (int q = 0; q < 8; q++)
            {
                d[q] = src[(q * lds) + p];
            }
        }
    }
}
