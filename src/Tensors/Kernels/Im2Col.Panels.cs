using System.Runtime.CompilerServices;

namespace FoolingCluster.Tensors.Kernels;

/// <summary>im2col straight into the GEMM's packed panels: the forward convolution's B, never stored whole.</summary>
/// <remarks>
/// Unfolding a whole image first wrote its column matrix (7 MB for a 64-channel 56×56 image
/// under a 3×3 kernel, beyond the caches) and then read it back to pack it; unfolded a block at a
/// time into the panels, the windows are read from the image, which stays in cache, and each
/// worker of a split product unfolds only its own columns.
/// </remarks>
public static partial class Im2Col
{
    /// <summary>
    /// Writes rows <c>[pc, pc+kc)</c> and columns <c>[j0, j0+nc)</c> of the column matrix of
    /// consecutive images, side by side (image i's OH·OW columns from <c>i·OH·OW</c>), as panels of
    /// <paramref name="nr"/> columns: <c>dst[q*nr*kc + p*nr + j] = col[pc + p, j0 + q*nr + j]</c>,
    /// zero past column <c>j0 + nc</c>; <c>col</c> as <see cref="Unfold(in GeneralConvGeometry, ReadOnlySpan{float}, Span{float}, int)"/>
    /// writes it, with C the channels of one group.
    /// </summary>
    /// <param name="g">Sizes; <c>C·KH·KW</c> rows, with C read as the group's channels (<see cref="GeneralConvGeometry.GroupChannels"/>).</param>
    /// <param name="images">The first image's first channel of the group.</param>
    /// <param name="imageStride">Floats from one image to the next.</param>
    /// <param name="end">One past the last float that may be read (the end of the batch).</param>
    /// <param name="pc">First row.</param>
    /// <param name="kc">Rows.</param>
    /// <param name="j0">First column.</param>
    /// <param name="nc">Columns.</param>
    /// <param name="nr">Columns per panel, at most 64.</param>
    /// <param name="dst">Destination, <c>ceil(nc/nr)*nr*kc</c> floats.</param>
    internal static unsafe void PackPanels(in GeneralConvGeometry g, float* images, nint imageStride, float* end, int pc, int kc, int j0, int nc, int nr, float* dst)
    {
        int h = g.Height;
        int w = g.Width;
        int kw = g.KernelWidth;
        int sw = g.StrideWidth;
        int outW = g.OutWidth;
        int window = g.KernelHeight * kw;
        nint planeSize = (nint)h * w;
        Span<Segment> segments = stackalloc Segment[nr];
        for (int q = 0; q < nc; q += nr, dst += (nint)nr * kc)
        {
            int cols = Math.Min(nr, nc - q);
            Span<Segment> runs = segments[..Segments(j0 + q, cols, g.OutSpatial, outW, imageStride, segments)];
            int c = pc / window;
            int ki = pc % window / kw;
            int kj = pc % kw;
            for (int p = 0; p < kc; p++)
            {
                float* d = dst + ((nint)p * nr);
                float* plane = images + (c * planeSize);
                int rowOffset = (ki * g.DilationHeight) - g.PadTop;
                int columnOffset = kj * g.DilationWidth;
                (int lo, int hi) = ValidRange(columnOffset, w, outW, sw, g.PadLeft);
                foreach (Segment run in runs)
                {
                    float* o = d + run.Column;
                    int ih = (run.Oh * g.StrideHeight) + rowOffset;
                    int first = Math.Max(lo, run.Ow);
                    int last = Math.Min(hi, run.Ow + run.Length);
                    if ((uint)ih >= (uint)h || first >= last)
                    {
                        Clear(ref *o, run.Length);
                        continue;
                    }

                    Clear(ref *o, first - run.Ow);
                    float* src = plane + run.Image + ((nint)ih * w) + (first * sw) - g.PadLeft + columnOffset;
                    ref float target = ref *(o + first - run.Ow);
                    if (sw == 1)
                    {
                        Copy(ref *src, ref target, last - first);
                    }
                    else if (sw == 2)
                    {
                        CopyEveryOther(ref *src, ref target, last - first, (int)Math.Min(int.MaxValue, end - src));
                    }
                    else
                    {
                        for (int i = 0; i < last - first; i++)
                        {
                            Unsafe.Add(ref target, i) = src[i * sw];
                        }
                    }

                    Clear(ref *(o + last - run.Ow), run.Ow + run.Length - last);
                }

                Clear(ref *(d + cols), nr - cols);
                if (++kj == kw)
                {
                    kj = 0;
                    if (++ki == g.KernelHeight)
                    {
                        ki = 0;
                        c++;
                    }
                }
            }
        }
    }

    /// <summary>
    /// Splits columns <c>[j, j+cols)</c> into runs that stay on one output row of one image, the
    /// unit a window row is copied in; returns how many.
    /// </summary>
    private static int Segments(int j, int cols, int spatial, int outW, nint imageStride, Span<Segment> segments)
    {
        int count = 0;
        for (int t = 0; t < cols;)
        {
            int column = j + t;
            int image = column / spatial;
            int position = column - (image * spatial);
            int oh = position / outW;
            int ow = position - (oh * outW);
            int length = Math.Min(outW - ow, cols - t);
            segments[count++] = new Segment(t, image * imageStride, oh, ow, length);
            t += length;
        }

        return count;
    }

    /// <summary>A run of panel columns from <see cref="Column"/> on: output row <see cref="Oh"/>, columns <see cref="Ow"/> onwards, of the image <see cref="Image"/> floats in.</summary>
    private readonly record struct Segment(int Column, nint Image, int Oh, int Ow, int Length);
}
