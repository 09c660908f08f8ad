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

    /// <summary>
    /// A problem whose A is already packed (<see cref="GemmPackedA"/>): <c>C = alpha * A * op(B) + beta * C</c>
    /// with the packed rows starting at <paramref name="packedRow0"/>.
    /// </summary>
    public GemmOperands(
        GemmPackedA packed, float* packedA, int packedRow0, int m, bool transB, int n, float alpha,
        float* b, nint ldb, float beta, float* c, nint ldc)
        : this(false, transB, m, n, packed.K, alpha, null, packed.K, b, ldb, beta, c, ldc)
    {
        PackedA = packedA;
        PackedRows = packed.PaddedRows;
        PackedRow0 = packedRow0;
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

    /// <summary>
    /// A packed once for every call (<see cref="GemmPackedA"/>), or null when A is packed block by
    /// block as the sweep reaches it; when set, <see cref="A"/> and <see cref="Lda"/> are unused.
    /// </summary>
    public float* PackedA { get; }

    /// <summary>Rows of the whole packed A, rounded up to the microkernel's rows.</summary>
    public int PackedRows { get; }

    /// <summary>Row of the packed A that this problem's first row is (a multiple of the microkernel's rows).</summary>
    public int PackedRow0 { get; }

    /// <summary>The sub-problem producing <c>C[row0..row0+rows, col0..col0+cols]</c> over the full k.</summary>
    public GemmOperands Slice(int row0, int rows, int col0, int cols)
    {
        if (PackedA != null)
        {
            return new GemmOperands(this, row0, rows, col0, cols);
        }

        float* a = TransA ? A + row0 : A + (row0 * Lda);
        float* b = TransB ? B + (col0 * Ldb) : B + col0;
        return new GemmOperands(TransA, TransB, rows, cols, K, Alpha, a, Lda, b, Ldb, Beta, C + (row0 * Ldc) + col0, Ldc);
    }

    /// <summary>The slice of a problem with a packed A: the same packed panels, from row <c>PackedRow0 + row0</c>.</summary>
    private GemmOperands(in GemmOperands whole, int row0, int rows, int col0, int cols)
        : this(false, whole.TransB, rows, cols, whole.K, whole.Alpha, null, whole.Lda, whole.TransB ? whole.B + (col0 * whole.Ldb) : whole.B + col0, whole.Ldb, whole.Beta, whole.C + (row0 * whole.Ldc) + col0, whole.Ldc)
    {
        PackedA = whole.PackedA;
        PackedRows = whole.PackedRows;
        PackedRow0 = whole.PackedRow0 + row0;
    }
}
