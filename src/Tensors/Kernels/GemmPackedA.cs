namespace FoolingCluster.Tensors.Kernels;

/// <summary>
/// The left operand of <see cref="Gemm"/> packed once into the micro-panels of one blocked
/// microkernel, so that products reusing the same A (a convolution's weight, call after call)
/// skip packing it: for a narrow product such as the <c>[512,4608]×[4608,49]</c> of ResNet's last
/// stage, packing A costs about half as much as the multiply itself.
/// </summary>
/// <remarks>
/// Layout: depth blocks of <c>Kc</c> (the last one shorter) one after another; block p holds
/// <see cref="PaddedRows"/> rows as <see cref="GemmPacking.PackA"/> writes them, so the panels of
/// rows <c>i..i+Mr</c> in block p start at <c>p·PaddedRows + i·kc</c> for any i that is a
/// multiple of the microkernel's rows. The copy is taken when packed; later changes to the
/// source are not seen.
/// </remarks>
internal sealed unsafe class GemmPackedA
{
    private GemmPackedA(GemmKernelKind kind, int m, int k, int paddedRows, float[] panels)
    {
        Kind = kind;
        M = m;
        K = k;
        PaddedRows = paddedRows;
        Panels = panels;
    }

    /// <summary>The blocked microkernel the panels are laid out for.</summary>
    public GemmKernelKind Kind { get; }

    /// <summary>Rows of A.</summary>
    public int M { get; }

    /// <summary>Columns of A (the product's inner dimension).</summary>
    public int K { get; }

    /// <summary><see cref="M"/> rounded up to the microkernel's rows.</summary>
    public int PaddedRows { get; }

    /// <summary>The packed panels, <c>PaddedRows·K</c> floats.</summary>
    public float[] Panels { get; }

    /// <summary>Packs <c>A[m,k]</c> (row-major, row stride <paramref name="lda"/>) for the widest microkernel this CPU runs.</summary>
    /// <param name="a">A's storage.</param>
    /// <param name="lda">Row stride of A, at least k.</param>
    /// <param name="m">Rows of A.</param>
    /// <param name="k">Columns of A.</param>
    public static GemmPackedA Pack(ReadOnlySpan<float> a, int lda, int m, int k) => Pack(Gemm.BestKernel(), a, lda, m, k);

    /// <summary>As <see cref="Pack(ReadOnlySpan{float}, int, int, int)"/> for a given blocked microkernel (tests cover each).</summary>
    /// <exception cref="ArgumentException"><paramref name="kind"/> is not a blocked microkernel, or A does not fit its span.</exception>
    public static GemmPackedA Pack(GemmKernelKind kind, ReadOnlySpan<float> a, int lda, int m, int k) => kind switch
    {
        GemmKernelKind.Vector512 => Pack<GemmKernel512>(kind, a, lda, m, k),
        GemmKernelKind.Vector256 => Pack<GemmKernel256>(kind, a, lda, m, k),
        GemmKernelKind.Scalar => Pack<GemmKernelScalar>(kind, a, lda, m, k),
        _ => throw new ArgumentException($"{kind} has no packed panels", nameof(kind)),
    };

    private static GemmPackedA Pack<TKernel>(GemmKernelKind kind, ReadOnlySpan<float> a, int lda, int m, int k)
        where TKernel : struct, IGemmMicroKernel
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(m, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(lda, k);
        if (a.Length < ((long)(m - 1) * lda) + k)
        {
            throw new ArgumentException($"a has {a.Length} elements but [{m},{k}] with row stride {lda} needs {((long)(m - 1) * lda) + k}", nameof(a));
        }

        int mr = TKernel.Mr;
        int paddedRows = (m + mr - 1) / mr * mr;
        int kcMax = Math.Min(TKernel.Kc, k);
        float[] panels = GC.AllocateUninitializedArray<float>(paddedRows * k);
        fixed (float* pa = a, dst = panels)
        {
            for (int pc = 0; pc < k; pc += kcMax)
            {
                int kc = Math.Min(kcMax, k - pc);
                GemmPacking.PackA(false, pa + pc, lda, m, kc, mr, dst + ((nint)pc * paddedRows));
            }
        }

        return new GemmPackedA(kind, m, k, paddedRows, panels);
    }
}
