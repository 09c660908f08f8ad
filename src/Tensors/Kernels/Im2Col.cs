using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace FoolingCluster.Tensors.Kernels;

/// <summary>
/// Rearranges one image's convolution windows into a matrix so a convolution becomes a
/// matrix product (im2col), and scatters such a matrix back onto an image (col2im).
/// </summary>
/// <remarks>
/// The column matrix of an image <c>[C,H,W]</c> is <c>[C·KH·KW, OH·OW]</c>: row
/// <c>(c,ki,kj)</c>, column <c>(oh,ow)</c> holds <c>x[c, oh·s − p + ki, ow·s − p + kj]</c>, or 0
/// where that falls in the padding. Rows are built a window row at a time: for a fixed
/// <c>(c,ki,kj)</c> and output row <c>oh</c> the valid output columns form one interval, which
/// with stride 1 is a contiguous input run. Runs are short (OW is 8 to 24 for LeNet), so they
/// are moved with inline vector loads rather than span slices and library calls, whose fixed
/// cost per call would dominate.
/// </remarks>
public static partial class Im2Col
{
    /// <summary>Unfolds image <c>[C,H,W]</c> into <paramref name="col"/> <c>[C·KH·KW, OH·OW]</c>, overwriting it.</summary>
    public static void Unfold(in ConvGeometry g, ReadOnlySpan<float> image, Span<float> col) => Unfold(g, image, col, g.OutSpatial);

    /// <summary>
    /// Unfolds image <c>[C,H,W]</c> into the first OH·OW columns of <paramref name="col"/>, a
    /// <c>[C·KH·KW, ld]</c> matrix with row stride <paramref name="ld"/> ≥ OH·OW. Several images
    /// unfolded side by side this way make one wide matrix, and so one large matrix product.
    /// </summary>
    public static void Unfold(in ConvGeometry g, ReadOnlySpan<float> image, Span<float> col, int ld)
    {
        CheckLengths(g, image.Length, col.Length, ld);
        if (g.Stride == 1 && g.Padding == 0)
        {
            UnfoldDense(g, image, col, ld);
            return;
        }

        UnfoldWindows(GeneralConvGeometry.From(g), image, col, ld);
    }

    /// <summary>
    /// Folds <paramref name="col"/> <c>[C·KH·KW, OH·OW]</c> back onto image <c>[C,H,W]</c>,
    /// adding every entry to the pixel it was unfolded from (the adjoint of <see cref="Unfold(in ConvGeometry, ReadOnlySpan{float}, Span{float}, int)"/>).
    /// Entries from the padding are dropped. The image is accumulated into, not overwritten.
    /// </summary>
    public static void FoldAdd(in ConvGeometry g, ReadOnlySpan<float> col, Span<float> image) => FoldAdd(g, col, image, g.OutSpatial);

    /// <summary>
    /// <see cref="FoldAdd(in ConvGeometry, ReadOnlySpan{float}, Span{float})"/> reading the first OH·OW
    /// columns of a <c>[C·KH·KW, ld]</c> matrix with row stride <paramref name="ld"/>.
    /// </summary>
    public static void FoldAdd(in ConvGeometry g, ReadOnlySpan<float> col, Span<float> image, int ld)
    {
        CheckLengths(g, image.Length, col.Length, ld);
        if (g.Stride == 1 && g.Padding == 0)
        {
            FoldAddDense(g, col, image, ld);
            return;
        }

        FoldAddWindows(GeneralConvGeometry.From(g), col, image, ld);
    }

    /// <summary>
    /// Unfold for stride 1 without padding (LeNet's convolutions): every window lies inside the
    /// image, so each column row is OH contiguous input runs of OW values, with no range
    /// arithmetic or zero fill per row.
    /// </summary>
    private static void UnfoldDense(in ConvGeometry g, ReadOnlySpan<float> image, Span<float> col, int ld)
    {
        int w = g.Width;
        int outH = g.OutHeight;
        int outW = g.OutWidth;
        int planeSize = g.Height * w;
        ref float src0 = ref MemoryMarshal.GetReference(image);
        ref float col0 = ref MemoryMarshal.GetReference(col);
        int row = 0;
        for (int c = 0; c < g.Channels; c++)
        {
            for (int ki = 0; ki < g.KernelHeight; ki++)
            {
                ref float windowTop = ref Unsafe.Add(ref src0, (c * planeSize) + (ki * w));
                for (int kj = 0; kj < g.KernelWidth; kj++, row++)
                {
                    ref float dst = ref Unsafe.Add(ref col0, (nint)row * ld);
                    ref float src = ref Unsafe.Add(ref windowTop, kj);
                    if (outW == Vector256<float>.Count && Vector256.IsHardwareAccelerated)
                    {
                        for (int oh = 0; oh < outH; oh++)
                        {
                            Vector256.LoadUnsafe(ref src, (nuint)(oh * w)).StoreUnsafe(ref dst, (nuint)(oh * outW));
                        }
                    }
                    else
                    {
                        for (int oh = 0; oh < outH; oh++)
                        {
                            Copy(ref Unsafe.Add(ref src, oh * w), ref Unsafe.Add(ref dst, oh * outW), outW);
                        }
                    }
                }
            }
        }
    }

    /// <summary>The adjoint of <see cref="UnfoldDense"/>: adds each column row's runs back onto the image.</summary>
    private static void FoldAddDense(in ConvGeometry g, ReadOnlySpan<float> col, Span<float> image, int ld)
    {
        int w = g.Width;
        int outH = g.OutHeight;
        int outW = g.OutWidth;
        int planeSize = g.Height * w;
        ref float dst0 = ref MemoryMarshal.GetReference(image);
        ref float col0 = ref MemoryMarshal.GetReference(col);
        int row = 0;
        for (int c = 0; c < g.Channels; c++)
        {
            for (int ki = 0; ki < g.KernelHeight; ki++)
            {
                ref float windowTop = ref Unsafe.Add(ref dst0, (c * planeSize) + (ki * w));
                for (int kj = 0; kj < g.KernelWidth; kj++, row++)
                {
                    ref float src = ref Unsafe.Add(ref col0, (nint)row * ld);
                    ref float dst = ref Unsafe.Add(ref windowTop, kj);
                    if (outW == Vector256<float>.Count && Vector256.IsHardwareAccelerated)
                    {
                        for (int oh = 0; oh < outH; oh++)
                        {
                            nuint at = (nuint)(oh * w);
                            (Vector256.LoadUnsafe(ref dst, at) + Vector256.LoadUnsafe(ref src, (nuint)(oh * outW))).StoreUnsafe(ref dst, at);
                        }
                    }
                    else
                    {
                        for (int oh = 0; oh < outH; oh++)
                        {
                            Add(ref Unsafe.Add(ref src, oh * outW), ref Unsafe.Add(ref dst, oh * w), outW);
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// Output columns <c>[lo, hi)</c> whose input column <c>ow·s − p + offset</c> lies inside
    /// <c>[0, width)</c>; empty (lo == hi) when none does. The offset is the kernel column's
    /// place in the (dilated) window: <c>kj·d</c>.
    /// </summary>
    private static (int Lo, int Hi) ValidRange(int offset, int width, int outWidth, int stride, int padding)
    {
        int before = padding - offset;
        int lo = before <= 0 ? 0 : (before + stride - 1) / stride;
        int beyond = width + padding - offset;
        int hi = beyond <= 0 ? 0 : (beyond + stride - 1) / stride;
        lo = Math.Min(lo, outWidth);
        hi = Math.Clamp(hi, lo, outWidth);
        return (lo, hi);
    }

    private static void Clear(ref float dst, int length)
    {
        for (int i = 0; i < length; i++)
        {
            Unsafe.Add(ref dst, i) = 0f;
        }
    }

    private static void Copy(ref float src, ref float dst, int length)
    {
        if (Vector256.IsHardwareAccelerated && length >= Vector256<float>.Count)
        {
            int i = 0;
            for (; i <= length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256.LoadUnsafe(ref src, (nuint)i).StoreUnsafe(ref dst, (nuint)i);
            }

            // The last vector may overlap the previous one; rewriting equal values is harmless.
            if (i < length)
            {
                int last = length - Vector256<float>.Count;
                Vector256.LoadUnsafe(ref src, (nuint)last).StoreUnsafe(ref dst, (nuint)last);
            }

            return;
        }

        for (int i = 0; i < length; i++)
        {
            Unsafe.Add(ref dst, i) = Unsafe.Add(ref src, i);
        }
    }

    private static void Add(ref float src, ref float dst, int length)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                (Vector256.LoadUnsafe(ref dst, (nuint)i) + Vector256.LoadUnsafe(ref src, (nuint)i)).StoreUnsafe(ref dst, (nuint)i);
            }
        }

        for (; i < length; i++)
        {
            Unsafe.Add(ref dst, i) += Unsafe.Add(ref src, i);
        }
    }

    private static void CheckLengths(in ConvGeometry g, int imageLength, int colLength, int ld)
    {
        long needed = g.PatchSize == 0 ? 0 : ((long)(g.PatchSize - 1) * ld) + g.OutSpatial;
        if (imageLength != g.ImageSize || ld < g.OutSpatial || colLength < needed)
        {
            throw new ArgumentException($"im2col: image of {imageLength} and columns of {colLength} floats with row stride {ld} do not fit {g}");
        }
    }
}
