using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace FoolingCluster.Tensors.Kernels;

/// <summary>
/// im2col and col2im for <see cref="GeneralConvGeometry"/>: separate strides, asymmetric
/// padding and dilation. Geometries with square windows go to the <see cref="ConvGeometry"/>
/// code, so they produce exactly the same matrices.
/// </summary>
/// <remarks>
/// Row <c>(c,ki,kj)</c>, column <c>(oh,ow)</c> of the <c>[C·KH·KW, OH·OW]</c> column matrix holds
/// <c>x[c, oh·sh − pt + ki·dh, ow·sw − pl + kj·dw]</c>, or 0 where that falls in the padding. As in
/// the square case, the valid output columns of one window row form one interval; dilation only
/// shifts it by <c>kj·dw</c>.
/// </remarks>
public static partial class Im2Col
{
    /// <summary>
    /// Unfolds image <c>[C,H,W]</c> into the first OH·OW columns of <paramref name="col"/>, a
    /// <c>[C·KH·KW, ld]</c> matrix with row stride <paramref name="ld"/> ≥ OH·OW, overwriting them.
    /// Group g's block is rows <c>g·(C/G)·KH·KW</c> onwards.
    /// </summary>
    public static void Unfold(in GeneralConvGeometry g, ReadOnlySpan<float> image, Span<float> col, int ld)
    {
        if (g.HasSquareWindows)
        {
            Unfold(g.SquareWindows, image, col, ld);
            return;
        }

        CheckLengths(g, image.Length, col.Length, ld);
        UnfoldWindows(g, image, col, ld);
    }

    /// <summary>The loop of <see cref="Unfold(in GeneralConvGeometry, ReadOnlySpan{float}, Span{float}, int)"/> for any windows; lengths already checked.</summary>
    private static void UnfoldWindows(in GeneralConvGeometry g, ReadOnlySpan<float> image, Span<float> col, int ld)
    {
        int h = g.Height;
        int w = g.Width;
        int sh = g.StrideHeight;
        int sw = g.StrideWidth;
        int outH = g.OutHeight;
        int outW = g.OutWidth;
        ref float src0 = ref MemoryMarshal.GetReference(image);
        ref float col0 = ref MemoryMarshal.GetReference(col);
        int row = 0;
        for (int c = 0; c < g.Channels; c++)
        {
            ref float plane = ref Unsafe.Add(ref src0, c * h * w);
            for (int ki = 0; ki < g.KernelHeight; ki++)
            {
                int rowOffset = (ki * g.DilationHeight) - g.PadTop;
                for (int kj = 0; kj < g.KernelWidth; kj++, row++)
                {
                    ref float dst = ref Unsafe.Add(ref col0, (nint)row * ld);
                    int columnOffset = kj * g.DilationWidth;
                    (int lo, int hi) = ValidRange(columnOffset, w, outW, sw, g.PadLeft);
                    int firstColumn = (lo * sw) - g.PadLeft + columnOffset;
                    for (int oh = 0; oh < outH; oh++, dst = ref Unsafe.Add(ref dst, outW))
                    {
                        int ih = (oh * sh) + rowOffset;
                        if ((uint)ih >= (uint)h || lo >= hi)
                        {
                            Clear(ref dst, outW);
                            continue;
                        }

                        Clear(ref dst, lo);
                        Clear(ref Unsafe.Add(ref dst, hi), outW - hi);
                        ref float src = ref Unsafe.Add(ref plane, (ih * w) + firstColumn);
                        if (sw == 1)
                        {
                            Copy(ref src, ref Unsafe.Add(ref dst, lo), hi - lo);
                        }
                        else if (sw == 2)
                        {
                            int readable = image.Length - ((c * h * w) + (ih * w) + firstColumn);
                            CopyEveryOther(ref src, ref Unsafe.Add(ref dst, lo), hi - lo, readable);
                        }
                        else
                        {
                            for (int ow = lo, iw = 0; ow < hi; ow++, iw += sw)
                            {
                                Unsafe.Add(ref dst, ow) = Unsafe.Add(ref src, iw);
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// Folds the first OH·OW columns of <paramref name="col"/> <c>[C·KH·KW, ld]</c> back onto image
    /// <c>[C,H,W]</c>, adding every entry to the pixel it was unfolded from (the adjoint of
    /// <see cref="Unfold(in GeneralConvGeometry, ReadOnlySpan{float}, Span{float}, int)"/>). Entries
    /// from the padding are dropped; the image is accumulated into.
    /// </summary>
    public static void FoldAdd(in GeneralConvGeometry g, ReadOnlySpan<float> col, Span<float> image, int ld)
    {
        if (g.HasSquareWindows)
        {
            FoldAdd(g.SquareWindows, col, image, ld);
            return;
        }

        CheckLengths(g, image.Length, col.Length, ld);
        FoldAddWindows(g, col, image, ld);
    }

    /// <summary>The loop of <see cref="FoldAdd(in GeneralConvGeometry, ReadOnlySpan{float}, Span{float}, int)"/> for any windows; lengths already checked.</summary>
    private static void FoldAddWindows(in GeneralConvGeometry g, ReadOnlySpan<float> col, Span<float> image, int ld)
    {
        int h = g.Height;
        int w = g.Width;
        int sh = g.StrideHeight;
        int sw = g.StrideWidth;
        int outH = g.OutHeight;
        int outW = g.OutWidth;
        ref float col0 = ref MemoryMarshal.GetReference(col);
        ref float dst0 = ref MemoryMarshal.GetReference(image);
        int row = 0;
        for (int c = 0; c < g.Channels; c++)
        {
            ref float plane = ref Unsafe.Add(ref dst0, c * h * w);
            for (int ki = 0; ki < g.KernelHeight; ki++)
            {
                int rowOffset = (ki * g.DilationHeight) - g.PadTop;
                for (int kj = 0; kj < g.KernelWidth; kj++, row++)
                {
                    ref float src = ref Unsafe.Add(ref col0, (nint)row * ld);
                    int columnOffset = kj * g.DilationWidth;
                    (int lo, int hi) = ValidRange(columnOffset, w, outW, sw, g.PadLeft);
                    int firstColumn = (lo * sw) - g.PadLeft + columnOffset;
                    for (int oh = 0; oh < outH; oh++, src = ref Unsafe.Add(ref src, outW))
                    {
                        int ih = (oh * sh) + rowOffset;
                        if ((uint)ih >= (uint)h || lo >= hi)
                        {
                            continue;
                        }

                        ref float dst = ref Unsafe.Add(ref plane, (ih * w) + firstColumn);
                        if (sw == 1)
                        {
                            Add(ref Unsafe.Add(ref src, lo), ref dst, hi - lo);
                        }
                        else
                        {
                            for (int ow = lo, iw = 0; ow < hi; ow++, iw += sw)
                            {
                                Unsafe.Add(ref dst, iw) += Unsafe.Add(ref src, ow);
                            }
                        }
                    }
                }
            }
        }
    }

    private static void CheckLengths(in GeneralConvGeometry g, int imageLength, int colLength, int ld)
    {
        long needed = ((long)(g.ColumnRows - 1) * ld) + g.OutSpatial;
        if (imageLength != g.ImageSize || ld < g.OutSpatial || colLength < needed)
        {
            throw new ArgumentException($"im2col: image of {imageLength} and columns of {colLength} floats with row stride {ld} do not fit {g}");
        }
    }
}
