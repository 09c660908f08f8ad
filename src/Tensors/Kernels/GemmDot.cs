using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace FoolingCluster.Tensors.Kernels;

/// <summary>
/// <c>C = alpha · A × Bᵀ + beta · C</c> as blocks of dot products, for a small C and a long
/// inner dimension with both operands stored along k (A <c>[m,k]</c>, B <c>[n,k]</c>).
/// </summary>
/// <remarks>
/// A convolution's weight gradient on a small layer (LeNet conv1: C is 20×25, k is images ×
/// 576) has this shape. Packing would copy all of A and B to reuse each element only m or n
/// times; here a 4×4 block of C keeps 16 vector accumulators while both operands stream
/// through once per block row, with no copy at all.
/// </remarks>
internal static unsafe class GemmDot
{
    /// <summary>Largest C (m·n) this path takes.</summary>
    public const int MaxOutputs = 4096;

    /// <summary>Shortest inner dimension worth this path (shorter ones go to the direct kernel).</summary>
    public const int MinInner = 256;

    /// <summary>Rows and columns of C one block of dot products computes together.</summary>
    public const int Block = 4;

    /// <summary>Computes the product; see the class remarks for the layout.</summary>
    public static void Run(int m, int n, int k, float alpha, float* a, int lda, float* b, int ldb, float beta, float* c, int ldc)
    {
        for (int i0 = 0; i0 < m; i0 += Block)
        {
            int rows = Math.Min(Block, m - i0);
            for (int j0 = 0; j0 < n; j0 += Block)
            {
                int cols = Math.Min(Block, n - j0);
                if (rows == Block && cols == Block && Vector512.IsHardwareAccelerated)
                {
                    Block4x4(k, alpha, a + ((nint)i0 * lda), lda, b + ((nint)j0 * ldb), ldb, beta, c + ((nint)i0 * ldc) + j0, ldc);
                }
                else
                {
                    for (int i = 0; i < rows; i++)
                    {
                        for (int j = 0; j < cols; j++)
                        {
                            float dot = Dot(a + ((nint)(i0 + i) * lda), b + ((nint)(j0 + j) * ldb), k);
                            Store(c + ((nint)(i0 + i) * ldc) + j0 + j, alpha * dot, beta);
                        }
                    }
                }
            }
        }
    }

    private static void Block4x4(int k, float alpha, float* a, int lda, float* b, int ldb, float beta, float* c, int ldc)
    {
        float* a0 = a, a1 = a + lda, a2 = a + (2 * lda), a3 = a + (3 * lda);
        float* b0 = b, b1 = b + ldb, b2 = b + (2 * ldb), b3 = b + (3 * ldb);
        Vector512<float> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector512<float> c10 = default, c11 = default, c12 = default, c13 = default;
        Vector512<float> c20 = default, c21 = default, c22 = default, c23 = default;
        Vector512<float> c30 = default, c31 = default, c32 = default, c33 = default;
        int p = 0;
        for (; p <= k - Vector512<float>.Count; p += Vector512<float>.Count)
        {
            Vector512<float> x0 = Vector512.Load(a0 + p), x1 = Vector512.Load(a1 + p), x2 = Vector512.Load(a2 + p), x3 = Vector512.Load(a3 + p);
            Vector512<float> y = Vector512.Load(b0 + p);
            c00 = Vector512.FusedMultiplyAdd(x0, y, c00);
            c10 = Vector512.FusedMultiplyAdd(x1, y, c10);
            c20 = Vector512.FusedMultiplyAdd(x2, y, c20);
            c30 = Vector512.FusedMultiplyAdd(x3, y, c30);
            y = Vector512.Load(b1 + p);
            c01 = Vector512.FusedMultiplyAdd(x0, y, c01);
            c11 = Vector512.FusedMultiplyAdd(x1, y, c11);
            c21 = Vector512.FusedMultiplyAdd(x2, y, c21);
            c31 = Vector512.FusedMultiplyAdd(x3, y, c31);
            y = Vector512.Load(b2 + p);
            c02 = Vector512.FusedMultiplyAdd(x0, y, c02);
            c12 = Vector512.FusedMultiplyAdd(x1, y, c12);
            c22 = Vector512.FusedMultiplyAdd(x2, y, c22);
            c32 = Vector512.FusedMultiplyAdd(x3, y, c32);
            y = Vector512.Load(b3 + p);
            c03 = Vector512.FusedMultiplyAdd(x0, y, c03);
            c13 = Vector512.FusedMultiplyAdd(x1, y, c13);
            c23 = Vector512.FusedMultiplyAdd(x2, y, c23);
            c33 = Vector512.FusedMultiplyAdd(x3, y, c33);
        }

        // The k tail is added to the horizontal sums in scalar code.
        Span<float> sums = stackalloc float[16]
        {
            Vector512.Sum(c00), Vector512.Sum(c01), Vector512.Sum(c02), Vector512.Sum(c03),
            Vector512.Sum(c10), Vector512.Sum(c11), Vector512.Sum(c12), Vector512.Sum(c13),
            Vector512.Sum(c20), Vector512.Sum(c21), Vector512.Sum(c22), Vector512.Sum(c23),
            Vector512.Sum(c30), Vector512.Sum(c31), Vector512.Sum(c32), Vector512.Sum(c33),
        };
        for (; p < k; p++)
        {
            for (int i = 0; i < Block; i++)
            {
                float av = a[((nint)i * lda) + p];
                for (int j = 0; j < Block; j++)
                {
                    sums[(i * Block) + j] += av * b[((nint)j * ldb) + p];
                }
            }
        }

        for (int i = 0; i < Block; i++)
        {
            for (int j = 0; j < Block; j++)
            {
                Store(c + ((nint)i * ldc) + j, alpha * sums[(i * Block) + j], beta);
            }
        }
    }

    private static float Dot(float* x, float* y, int k)
    {
        var acc = Vector256<float>.Zero;
        int p = 0;
        for (; p <= k - Vector256<float>.Count; p += Vector256<float>.Count)
        {
            acc = Vector256.FusedMultiplyAdd(Vector256.Load(x + p), Vector256.Load(y + p), acc);
        }

        float sum = Vector256.Sum(acc);
        for (; p < k; p++)
        {
            sum += x[p] * y[p];
        }

        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* target, float value, float beta) =>
        *target = beta == 0f ? value : value + (beta * *target);
}
