using System.Numerics.Tensors;

namespace FoolingCluster.Tensors.Kernels;

/// <summary>
/// GEMM straight from the operands, without packing or threads: for problems so small that
/// packing and blocking would cost more than the arithmetic.
/// </summary>
internal static class GemmDirect
{
    /// <summary><c>C = alpha * op(A) * op(B) + beta * C</c>; arguments as in <see cref="Gemm.Multiply"/>, already validated, m, n, k &gt; 0.</summary>
    public static void Run(
        bool transA, bool transB, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, int lda,
        ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc)
    {
        for (int i = 0; i < m; i++)
        {
            Span<float> cRow = c.Slice(i * ldc, n);
            if (transB)
            {
                // op(B) columns are rows of B: each C element is one dot product.
                for (int j = 0; j < n; j++)
                {
                    ReadOnlySpan<float> bRow = b.Slice(j * ldb, k);
                    float dot = transA ? StridedDot(a[i..], lda, bRow) : TensorPrimitives.Dot(a.Slice(i * lda, k), bRow);
                    cRow[j] = beta == 0f ? alpha * dot : (alpha * dot) + (beta * cRow[j]);
                }
            }
            else
            {
                // op(B) rows are contiguous: accumulate the C row as a sum of scaled B rows.
                if (beta == 0f)
                {
                    cRow.Clear();
                }
                else if (beta != 1f)
                {
                    TensorPrimitives.Multiply(cRow, beta, cRow);
                }

                for (int p = 0; p < k; p++)
                {
                    float s = alpha * (transA ? a[(p * lda) + i] : a[(i * lda) + p]);
                    TensorPrimitives.MultiplyAdd(b.Slice(p * ldb, n), s, cRow, cRow);
                }
            }
        }
    }

    /// <summary><c>sum_p x[p * stride] * y[p]</c> over the length of <paramref name="y"/>.</summary>
    private static float StridedDot(ReadOnlySpan<float> x, int stride, ReadOnlySpan<float> y)
    {
        float sum = 0f;
        for (int p = 0; p < y.Length; p++)
        {
            sum += x[p * stride] * y[p];
        }

        return sum;
    }
}
