using System.Numerics.Tensors;

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
/// with stride 1 is a plain copy of a contiguous input run.
/// </remarks>
public static class Im2Col
{
    /// <summary>Unfolds image <c>[C,H,W]</c> into <paramref name="col"/> <c>[C·KH·KW, OH·OW]</c>, overwriting it.</summary>
    public static void Unfold(in ConvGeometry g, ReadOnlySpan<float> image, Span<float> col)
    {
        CheckLengths(g, image.Length, col.Length);
        int h = g.Height;
        int w = g.Width;
        int s = g.Stride;
        int p = g.Padding;
        int outH = g.OutHeight;
        int outW = g.OutWidth;
        int row = 0;
        for (int c = 0; c < g.Channels; c++)
        {
            ReadOnlySpan<float> plane = image.Slice(c * h * w, h * w);
            for (int ki = 0; ki < g.KernelHeight; ki++)
            {
                for (int kj = 0; kj < g.KernelWidth; kj++, row++)
                {
                    Span<float> dst = col.Slice(row * outH * outW, outH * outW);
                    (int lo, int hi) = ValidRange(kj, w, outW, s, p);
                    if (lo >= hi)
                    {
                        dst.Clear();
                        continue;
                    }

                    int firstColumn = (lo * s) - p + kj;
                    for (int oh = 0; oh < outH; oh++)
                    {
                        Span<float> d = dst.Slice(oh * outW, outW);
                        int ih = (oh * s) - p + ki;
                        if ((uint)ih >= (uint)h)
                        {
                            d.Clear();
                            continue;
                        }

                        d[..lo].Clear();
                        d[hi..].Clear();
                        ReadOnlySpan<float> src = plane.Slice((ih * w) + firstColumn);
                        if (s == 1)
                        {
                            src[..(hi - lo)].CopyTo(d[lo..hi]);
                        }
                        else
                        {
                            for (int ow = lo, iw = 0; ow < hi; ow++, iw += s)
                            {
                                d[ow] = src[iw];
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// Folds <paramref name="col"/> <c>[C·KH·KW, OH·OW]</c> back onto image <c>[C,H,W]</c>,
    /// adding every entry to the pixel it was unfolded from (the adjoint of <see cref="Unfold"/>).
    /// Entries from the padding are dropped. The image is accumulated into, not overwritten.
    /// </summary>
    public static void FoldAdd(in ConvGeometry g, ReadOnlySpan<float> col, Span<float> image)
    {
        CheckLengths(g, image.Length, col.Length);
        int h = g.Height;
        int w = g.Width;
        int s = g.Stride;
        int p = g.Padding;
        int outH = g.OutHeight;
        int outW = g.OutWidth;
        int row = 0;
        for (int c = 0; c < g.Channels; c++)
        {
            Span<float> plane = image.Slice(c * h * w, h * w);
            for (int ki = 0; ki < g.KernelHeight; ki++)
            {
                for (int kj = 0; kj < g.KernelWidth; kj++, row++)
                {
                    ReadOnlySpan<float> src = col.Slice(row * outH * outW, outH * outW);
                    (int lo, int hi) = ValidRange(kj, w, outW, s, p);
                    if (lo >= hi)
                    {
                        continue;
                    }

                    int firstColumn = (lo * s) - p + kj;
                    for (int oh = 0; oh < outH; oh++)
                    {
                        int ih = (oh * s) - p + ki;
                        if ((uint)ih >= (uint)h)
                        {
                            continue;
                        }

                        ReadOnlySpan<float> srcRow = src.Slice((oh * outW) + lo, hi - lo);
                        Span<float> dst = plane.Slice((ih * w) + firstColumn);
                        if (s == 1)
                        {
                            Span<float> run = dst[..srcRow.Length];
                            TensorPrimitives.Add(run, srcRow, run);
                        }
                        else
                        {
                            for (int k = 0, iw = 0; k < srcRow.Length; k++, iw += s)
                            {
                                dst[iw] += srcRow[k];
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// Output columns <c>[lo, hi)</c> whose input column <c>ow·s − p + kj</c> lies inside
    /// <c>[0, width)</c>; empty (lo == hi) when none does.
    /// </summary>
    private static (int Lo, int Hi) ValidRange(int kj, int width, int outWidth, int stride, int padding)
    {
        int before = padding - kj;
        int lo = before <= 0 ? 0 : (before + stride - 1) / stride;
        int beyond = width + padding - kj;
        int hi = beyond <= 0 ? 0 : (beyond + stride - 1) / stride;
        lo = Math.Min(lo, outWidth);
        hi = Math.Clamp(hi, lo, outWidth);
        return (lo, hi);
    }

    private static void CheckLengths(in ConvGeometry g, int imageLength, int colLength)
    {
        if (imageLength != g.ImageSize || colLength != g.PatchSize * g.OutSpatial)
        {
            throw new ArgumentException($"im2col: image of {imageLength} and columns of {colLength} floats do not fit {g}");
        }
    }
}
