namespace FoolingCluster.Tensors.Kernels;

/// <summary>
/// Single-precision general matrix multiply on row-major storage:
/// <c>C[m,n] = alpha * op(A)[m,k] * op(B)[k,n] + beta * C[m,n]</c>.
/// </summary>
public static class Gemm
{
    /// <summary>
    /// Computes <c>C = alpha * op(A) * op(B) + beta * C</c>.
    /// </summary>
    /// <param name="transA">When true, A is stored as <c>[k,m]</c> (leading dimension lda ≥ m); otherwise <c>[m,k]</c> (lda ≥ k).</param>
    /// <param name="transB">When true, B is stored as <c>[n,k]</c> (ldb ≥ k); otherwise <c>[k,n]</c> (ldb ≥ n).</param>
    /// <param name="m">Rows of C.</param>
    /// <param name="n">Columns of C.</param>
    /// <param name="k">Inner dimension.</param>
    /// <param name="alpha">Scale of the product.</param>
    /// <param name="a">A's storage.</param>
    /// <param name="lda">Row stride of A as stored.</param>
    /// <param name="b">B's storage.</param>
    /// <param name="ldb">Row stride of B as stored.</param>
    /// <param name="beta">Scale of C's previous contents; when 0, C's previous contents are ignored (NaN included).</param>
    /// <param name="c">C's storage, <c>[m,n]</c> with row stride ldc ≥ n.</param>
    /// <param name="ldc">Row stride of C.</param>
    /// <param name="threads">Maximum threads; defaults to <see cref="Engine.Threads"/>.</param>
    public static void Multiply(
        bool transA, bool transB, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, int lda,
        ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc, int threads = 0)
    {
        _ = threads;
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                float sum = 0f;
                for (int p = 0; p < k; p++)
                {
                    float av = transA ? a[(p * lda) + i] : a[(i * lda) + p];
                    float bv = transB ? b[(j * ldb) + p] : b[(p * ldb) + j];
                    sum += av * bv;
                }

                int ci = (i * ldc) + j;
                c[ci] = beta == 0f ? alpha * sum : (alpha * sum) + (beta * c[ci]);
            }
        }
    }
}
