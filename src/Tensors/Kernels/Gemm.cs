using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace FoolingCluster.Tensors.Kernels;

/// <summary>
/// Single-precision general matrix multiply on row-major storage:
/// <c>C[m,n] = alpha * op(A)[m,k] * op(B)[k,n] + beta * C[m,n]</c>.
/// </summary>
/// <remarks>
/// Tiny problems run directly on the operands; larger ones are packed and blocked for the caches
/// and computed by a register-tiled microkernel (Vector512, else Vector256, else scalar), split
/// over up to <c>threads</c> workers.
/// </remarks>
public static class Gemm
{
    /// <summary>Below this many multiply-adds the direct path beats packing.</summary>
    private const long DirectThreshold = 32 * 1024;

    /// <summary>Fewer columns than this fill too little of a packed tile to be worth packing.</summary>
    private const int NarrowColumns = 16;

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
    /// <exception cref="ArgumentException">A dimension is negative, a stride is below its minimum, or a span is too short for its dimensions and stride.</exception>
    public static void Multiply(
        bool transA, bool transB, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, int lda,
        ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc, int threads = 0)
    {
        MultiplyWith(GemmKernelKind.Auto, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, threads);
    }

    /// <summary>As the public overload, with the implementation pinned to <paramref name="kind"/> (tests cover every path with it).</summary>
    internal static unsafe void MultiplyWith(
        GemmKernelKind kind, bool transA, bool transB, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, int lda,
        ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc, int threads = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        CheckOperand(nameof(a), a.Length, nameof(lda), lda, transA ? k : m, transA ? m : k, transA ? "[k,m]" : "[m,k]");
        CheckOperand(nameof(b), b.Length, nameof(ldb), ldb, transB ? n : k, transB ? k : n, transB ? "[n,k]" : "[k,n]");
        CheckOperand(nameof(c), c.Length, nameof(ldc), ldc, m, n, "[m,n]");

        if (m == 0 || n == 0)
        {
            return;
        }

        if (k == 0 || alpha == 0f)
        {
            ScaleC(m, n, beta, c, ldc);
            return;
        }

        if (kind == GemmKernelKind.Auto)
        {
            kind = PreferDirect(transA, transB, m, n, k) ? GemmKernelKind.Direct : BestKernel();
        }

        if (kind == GemmKernelKind.Direct)
        {
            GemmDirect.Run(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
            return;
        }

        int workers = threads > 0 ? threads : Engine.Threads;
        if (kind == GemmKernelKind.Dot || ((kind is GemmKernelKind.Vector512 or GemmKernelKind.Vector256) && PreferDot(kind, transA, transB, m, n, k, workers)))
        {
            fixed (float* pa = a)
            fixed (float* pb = b)
            fixed (float* pc = c)
            {
                RunDot(m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc, workers);
            }

            return;
        }

        fixed (float* pa = a)
        fixed (float* pb = b)
        fixed (float* pc = c)
        {
            RunBlocked(kind, new GemmOperands(transA, m, n, k, alpha, pa, lda, beta, pc, ldc), new MatrixPanels(transB, pb, ldb), workers);
        }
    }

    /// <summary>
    /// <c>C[m,n] = A[m,k] · B[k,n]</c> with B from <paramref name="b"/> (a stored matrix, or a
    /// convolution's windows), overwriting C, on the blocked path whatever the size: A packed beforehand when
    /// <paramref name="packed"/> is given, else read from <paramref name="a"/> (row stride k) and packed on the way.
    /// </summary>
    /// <param name="packed">A packed for one blocked microkernel, or null.</param>
    /// <param name="a">A's storage, <c>[m,k]</c>, when not packed.</param>
    /// <param name="m">Rows of A and C.</param>
    /// <param name="k">Columns of A, rows of B.</param>
    /// <param name="b">B, packed block by block as the sweep reaches it.</param>
    /// <param name="n">Columns of B and C.</param>
    /// <param name="c">C, <c>[m,n]</c> with row stride <paramref name="ldc"/>.</param>
    /// <param name="ldc">Row stride of C.</param>
    /// <param name="threads">Maximum threads; 0 means <see cref="Engine.Threads"/>.</param>
    internal static unsafe void MultiplyFrom<TSource>(GemmPackedA? packed, float* a, int m, int k, in TSource b, int n, float* c, nint ldc, int threads)
        where TSource : struct, IPanelSource
    {
        if (m == 0 || n == 0)
        {
            return;
        }

        int workers = threads > 0 ? threads : Engine.Threads;
        if (packed is null)
        {
            RunBlocked(BestKernel(), new GemmOperands(false, m, n, k, 1f, a, k, 0f, c, ldc), b, workers);
            return;
        }

        fixed (float* pa = packed.Panels)
        {
            RunBlocked(packed.Kind, new GemmOperands(packed, pa, 0, packed.M, n, 1f, 0f, c, ldc), b, workers);
        }
    }

    /// <summary>The widest microkernel this CPU runs in hardware.</summary>
    internal static GemmKernelKind BestKernel()
    {
        if (Vector512.IsHardwareAccelerated && Avx512F.IsSupported)
        {
            return GemmKernelKind.Vector512;
        }

        // Without hardware FMA the vector kernels would fall back to a slow software emulation.
        return Vector256.IsHardwareAccelerated && Fma.IsSupported ? GemmKernelKind.Vector256 : GemmKernelKind.Scalar;
    }

    /// <summary>
    /// Whether the dot-product path (see <see cref="GemmDot"/>) beats packing for a small C with a
    /// long inner dimension, both operands stored along k: for a C of fewer rows than a dot block
    /// (a fully connected layer on one to three images), where packing would copy all of B to use
    /// each element at most three times; and with 512-bit vectors, whose 4×4 blocks of dot products
    /// also beat packing for any small C on one thread. The ResNet's classifier at batch 1 (B is
    /// 1,000 × 512) took 0.5 ms packing its weight on the 256-bit path, against ONNX Runtime's 0.1 ms.
    /// </summary>
    private static bool PreferDot(GemmKernelKind kind, bool transA, bool transB, int m, int n, int k, int workers) =>
        !transA && transB && (m < GemmDot.Block || (workers == 1 && kind == GemmKernelKind.Vector512)) && (long)m * n <= GemmDot.MaxOutputs && k >= GemmDot.MinInner;

    /// <summary>
    /// <see cref="GemmDot.Run"/> with C's columns split over up to <paramref name="workers"/>
    /// threads, each range starting on a dot block, so every element is computed exactly as on
    /// one thread.
    /// </summary>
    private static unsafe void RunDot(int m, int n, int k, float alpha, float* a, int lda, float* b, int ldb, float beta, float* c, int ldc, int workers)
    {
        nint pa = (nint)a, pb = (nint)b, pc = (nint)c;
        int blocks = (n + GemmDot.Block - 1) / GemmDot.Block;
        ParallelRanges.Run(blocks, (long)m * n * k, workers, (first, last) =>
        {
            int j0 = first * GemmDot.Block;
            int cols = Math.Min(n, last * GemmDot.Block) - j0;
            GemmDot.Run(m, cols, k, alpha, (float*)pa, lda, (float*)pb + ((nint)j0 * ldb), ldb, beta, (float*)pc + j0, ldc);
        });
    }

    /// <summary>
    /// Whether the direct path beats packing: for tiny problems, and for a handful of columns when
    /// A's rows and B's rows both run along k, where contiguous dot products waste nothing while a
    /// packed tile would be mostly padding.
    /// </summary>
    private static bool PreferDirect(bool transA, bool transB, int m, int n, int k)
    {
        return (long)m * n * k < DirectThreshold || (transB && !transA && n < NarrowColumns);
    }

    private static void CheckOperand(string name, int length, string strideName, int stride, int rows, int cols, string layout)
    {
        if (stride < Math.Max(1, cols))
        {
            throw new ArgumentException($"{strideName} ({stride}) must be at least {Math.Max(1, cols)}, the row length of {name} stored as {layout}.", strideName);
        }

        long needed = rows == 0 || cols == 0 ? 0 : ((long)(rows - 1) * stride) + cols;
        if (length < needed)
        {
            throw new ArgumentException($"{name} has {length} elements but {layout} = [{rows},{cols}] with row stride {stride} needs {needed}.", name);
        }
    }

    private static void ScaleC(int m, int n, float beta, Span<float> c, int ldc)
    {
        for (int i = 0; i < m; i++)
        {
            Span<float> row = c.Slice(i * ldc, n);
            if (beta == 0f)
            {
                row.Clear();
            }
            else if (beta != 1f)
            {
                TensorPrimitives.Multiply(row, beta, row);
            }
        }
    }

    /// <summary>The blocked GEMM of <paramref name="op"/> with the micro-kernel of <paramref name="kind"/>.</summary>
    private static void RunBlocked<TSource>(GemmKernelKind kind, in GemmOperands op, in TSource source, int workers)
        where TSource : struct, IPanelSource
    {
        switch (kind)
        {
            case GemmKernelKind.Vector512:
                GemmBlocked.Run<GemmKernel512, TSource>(op, source, workers);
                break;
            case GemmKernelKind.Vector256:
                GemmBlocked.Run<GemmKernel256, TSource>(op, source, workers);
                break;
            default:
                GemmBlocked.Run<GemmKernelScalar, TSource>(op, source, workers);
                break;
        }
    }
}
