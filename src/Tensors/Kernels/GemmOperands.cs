namespace FoolingCluster.Tensors.Kernels;

/// <summary>
/// One pinned GEMM problem, <c>C[m,n] = alpha * op(A)[m,k] * B[k,n] + beta * C</c>, as raw
/// pointers so that it can be split into sub-rectangles of C and handed to worker threads. B is
/// not here: it comes from an <see cref="IPanelSource"/>, which a slice reads from column <see cref="Col0"/> on.
/// </summary>
internal readonly unsafe struct GemmOperands
{
    public GemmOperands(bool transA, int m, int n, int k, float alpha, float* a, nint lda, float beta, float* c, nint ldc)
    {
        TransA = transA;
        M = m;
        N = n;
        K = k;
        Alpha = alpha;
        A = a;
        Lda = lda;
        Beta = beta;
        C = c;
        Ldc = ldc;
    }

    /// <summary>
    /// A problem whose A is already packed (<see cref="GemmPackedA"/>): <c>C = alpha * A * B + beta * C</c>
    /// with the packed rows starting at <paramref name="packedRow0"/>.
    /// </summary>
    public GemmOperands(GemmPackedA packed, float* packedA, int packedRow0, int m, int n, float alpha, float beta, float* c, nint ldc)
        : this(false, m, n, packed.K, alpha, null, packed.K, beta, c, ldc)
    {
        PackedA = packedA;
        PackedRows = packed.PaddedRows;
        PackedRow0 = packedRow0;
    }

    public bool TransA { get; }

    public int M { get; }

    public int N { get; }

    public int K { get; }

    public float Alpha { get; }

    /// <summary>A as stored: <c>[k,m]</c> when <see cref="TransA"/>, else <c>[m,k]</c>.</summary>
    public float* A { get; }

    public nint Lda { get; }

    public float Beta { get; }

    public float* C { get; }

    public nint Ldc { get; }

    /// <summary>
    /// A packed once for every call (<see cref="GemmPackedA"/>), or null when A is packed block by
    /// block as the sweep reaches it; when set, <see cref="A"/> and <see cref="Lda"/> are unused.
    /// </summary>
    public float* PackedA { get; private init; }

    /// <summary>Rows of the whole packed A, rounded up to the microkernel's rows.</summary>
    public int PackedRows { get; private init; }

    /// <summary>Row of the packed A that this problem's first row is (a multiple of the microkernel's rows).</summary>
    public int PackedRow0 { get; private init; }

    /// <summary>Column of the whole problem that this slice's first column is: where its B panels start in the source.</summary>
    public int Col0 { get; private init; }

    /// <summary>The sub-problem producing <c>C[row0..row0+rows, col0..col0+cols]</c> over the full k.</summary>
    public GemmOperands Slice(int row0, int rows, int col0, int cols)
    {
        float* a = PackedA != null ? null : TransA ? A + row0 : A + (row0 * Lda);
        return new GemmOperands(TransA, rows, cols, K, Alpha, a, Lda, Beta, C + (row0 * Ldc) + col0, Ldc)
        {
            PackedA = PackedA,
            PackedRows = PackedRows,
            PackedRow0 = PackedA != null ? PackedRow0 + row0 : 0,
            Col0 = Col0 + col0,
        };
    }
}
