using System.Runtime.Intrinsics;

namespace FoolingCluster.Tensors.Kernels;

/// <summary>
/// Max-pooling of one plane over 3×3 windows at stride 2 with at most one row and column of
/// padding before the image (ResNet's pooling after its stem), without indices: per output row,
/// the maximum of its three input rows, then of each window's three columns of that, eight
/// windows at a time.
/// </summary>
/// <remarks>
/// <see cref="WindowPoolKernel"/>'s general path copies each plane into phase planes first, one
/// float at a time for a stride of 2; ResNet's pooling of 64 planes of 112×112 took 1.1 ms
/// that way at batch 1. The maxima here are <see cref="Vector256.Max{T}(Vector256{T}, Vector256{T})"/>
/// and <see cref="MathF.Max(float, float)"/>, as on the general path, so NaN propagates the same
/// way and the results are the same bits.
/// </remarks>
internal static unsafe class PoolMax3x3Stride2
{
    /// <summary>Whether <paramref name="g"/> is pooled here.</summary>
    public static bool Applies(in PoolGeometry g) =>
        g.KernelHeight == 3 && g.KernelWidth == 3 && g.StrideHeight == 2 && g.StrideWidth == 2 && g.PadTop <= 1 && g.PadLeft <= 1;

    /// <summary>Floats of the scratch row <see cref="Plane"/> needs for <paramref name="g"/>.</summary>
    public static int RowFloats(in PoolGeometry g) => Math.Max(g.Width, (2 * g.OutWidth) + 2) + 2 + (2 * Vector256<float>.Count);

    /// <summary>
    /// <c>y[oh, ow] = max x[ih, iw]</c> over the window's inputs inside the image, for one plane
    /// <c>x [H, W]</c> into <c>y [OH, OW]</c>; <paramref name="row"/> holds <see cref="RowFloats"/> floats.
    /// </summary>
    public static void Plane(in PoolGeometry g, float* x, float* y, float* row)
    {
        int width = g.Width, outW = g.OutWidth, length = RowFloats(g);

        // row[1 + iw] is the column maximum at input column iw; columns outside the image are −∞.
        new Span<float>(row, length).Fill(float.NegativeInfinity);
        float* columns = row + 1;

        // Window ow starts at input column 2·ow − pl, that is at row[2·ow + 1 − pl].
        float* windows = row + 1 - g.PadLeft;
        for (int oh = 0; oh < g.OutHeight; oh++)
        {
            int top = (2 * oh) - g.PadTop;
            int first = Math.Max(0, top), last = Math.Min(g.Height, top + 3);
            ColumnMaxima(x + ((nint)first * width), last - first, width, columns);
            float* target = y + ((nint)oh * outW);
            int ow = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                for (; ow <= outW - Vector256<float>.Count; ow += Vector256<float>.Count)
                {
                    (Vector256<float> left, Vector256<float> middle) = Pairs(windows + (2 * ow));
                    Vector256<float> right = Pairs(windows + (2 * ow) + 2).First;
                    Vector256.Store(Vector256.Max(Vector256.Max(left, middle), right), target + ow);
                }
            }

            for (; ow < outW; ow++)
            {
                float* w = windows + (2 * ow);
                target[ow] = MathF.Max(MathF.Max(w[0], w[1]), w[2]);
            }
        }
    }

    /// <summary><c>m[iw] = max over rows r of x[r, iw]</c> for <paramref name="rows"/> rows (1 to 3) from <paramref name="x"/>.</summary>
    private static void ColumnMaxima(float* x, int rows, int width, float* m)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= width - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> best = Vector256.Load(x + i);
                for (int r = 1; r < rows; r++)
                {
                    best = Vector256.Max(best, Vector256.Load(x + ((nint)r * width) + i));
                }

                Vector256.Store(best, m + i);
            }
        }

        for (; i < width; i++)
        {
            float best = x[i];
            for (int r = 1; r < rows; r++)
            {
                best = MathF.Max(best, x[((nint)r * width) + i]);
            }

            m[i] = best;
        }
    }

    /// <summary>The eight adjacent pairs of the sixteen floats from <paramref name="p"/>: their first members and their second.</summary>
    private static (Vector256<float> First, Vector256<float> Second) Pairs(float* p) =>
        PoolMax2x2.SplitPairs(Vector256.Load(p), Vector256.Load(p + Vector256<float>.Count));
}
