namespace FoolingCluster.Tensors.Kernels;

/// <summary>
/// One pinned GEMM problem, <c>C[m,n] = alpha * op(A)[m,k] * op(B)[k,n] + beta * C</c>, as raw
/// pointers so that it can be split into sub-rectangles of C and handed to worker threads.
/// </summary>
internal readonly unsafe struct GemmOperands
{
    public GemmOperands(
        bool transA, bool transB, int m, int n, int k, float alpha,
        float* a, nint lda, float* b, nint ldb, float beta, float* c, nint ldc)
    {
        TransA = transA;
        TransB = transB;
        M = m;
        N = n;
        K = k;
        Alpha = alpha;
        A = a;
        Lda = lda;
        B = b;
        Ldb = ldb;
        Beta = beta;
        C = c;
        Ldc = ldc;
    }

    public bool TransA { get; }

    public bool TransB { get; }

    public int M { get; }

    public int N { get; }

    public int K { get; }

    public float Alpha { get; }

    /// <summary>A as stored: <c>[k,m]</c> when <see cref="TransA"/>, else <c>[m,k]</c>.</summary>
    public float* A { get; }

    public nint Lda { get; }

    /// <summary>B as stored: <c>[n,k]</c> when <see cref="TransB"/>, else <c>[k,n]</c>.</summary>
    public float* B { get; }

    public nint Ldb { get; }

    public float Beta { get; }

    public float* C { get; }

    public nint Ldc { get; }

    /// <summary>The sub-problem producing <c>C[row0..row0+rows, col0..col0+cols]</c> over the full k.</summary>
    public GemmOperands Slice(int row0, int rows, int col0, int cols)
    {
        float* a = TransA ? A + row0 : A + (row0 * Lda);
        float* b = TransB ? B + (col0 * Ldb) : B + col0;
        return new GemmOperands(TransA, TransB, rows, cols, K, Alpha, a, Lda, b, Ldb, Beta, C + (row0 * Ldc) + col0, Ldc);
    }
}
