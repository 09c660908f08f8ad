using System.Runtime.Intrinsics;

namespace FoolingCluster.Tensors.Kernels;

/// <summary>
/// The tiles of F(2×2, 3×3) over one image: its zero-padded copy split by column parity, the
/// input transform <c>V = Bᵀ·d·B</c> of each 4×4 input tile, and the output transform
/// <c>Y = Aᵀ·m·A</c> back to each 2×2 output tile.
/// </summary>
/// <remarks>
/// Output tile t = (ti, tj), with <c>t = ti·TW + tj</c>, covers outputs <c>(2ti + i, 2tj + j)</c>
/// for i, j ∈ {0, 1} and reads padded input rows <c>2ti … 2ti + 3</c>, columns <c>2tj … 2tj + 3</c>.
/// The padded image is held as two planes per channel, even columns and odd columns, so the four
/// columns of eight neighbouring tiles are four contiguous runs (even at tj, odd at tj, even at
/// tj + 1, odd at tj + 1), and the transforms run eight tiles to a vector.
/// <c>Bᵀ = [[1, 0, −1, 0], [0, 1, 1, 0], [0, −1, 1, 0], [0, 1, 0, −1]]</c>,
/// <c>Aᵀ = [[1, 1, 1, 0], [0, 1, −1, −1]]</c> (Lavin &amp; Gray, CVPR 2016).
/// </remarks>
internal readonly unsafe struct WinogradTiles
{
    private const int Lanes = 8;

    private readonly GeneralConvGeometry _g;

    public WinogradTiles(in GeneralConvGeometry g)
    {
        _g = g;
        TileRows = (g.OutHeight + 1) / 2;
        TileColumns = (g.OutWidth + 1) / 2;
        PlaneRows = (2 * TileRows) + 2;
        PlaneColumns = TileColumns + 1;
    }

    /// <summary>TH, rows of output tiles: ⌈OH / 2⌉.</summary>
    public int TileRows { get; }

    /// <summary>TW, columns of output tiles: ⌈OW / 2⌉.</summary>
    public int TileColumns { get; }

    /// <summary>T = TH·TW, output tiles of one image.</summary>
    public int Tiles => TileRows * TileColumns;

    /// <summary>Rows of each parity plane: every row the tiles read, past the padded image's end too.</summary>
    public int PlaneRows { get; }

    /// <summary>Columns of each parity plane: TW + 1.</summary>
    public int PlaneColumns { get; }

    /// <summary>Floats of one channel's two planes.</summary>
    public int ChannelSize => 2 * PlaneRows * PlaneColumns;

    /// <summary>
    /// Copies channels <c>[from, to)</c> of one image <c>[C,H,W]</c> into their zero-padded parity
    /// planes: padded pixel (r, s) goes to plane <c>s mod 2</c> at <c>(r, ⌊s / 2⌋)</c>.
    /// </summary>
    public void Pad(float* image, float* planes, int from, int to)
    {
        int plane = PlaneRows * PlaneColumns;
        int width = _g.Width;
        for (int c = from; c < to; c++)
        {
            float* even = planes + ((nint)c * ChannelSize);
            new Span<float>(even, ChannelSize).Clear();
            float* source = image + ((nint)c * _g.Height * width);
            for (int h = 0; h < _g.Height; h++)
            {
                float* row = even + ((nint)(h + _g.PadTop) * PlaneColumns);
                float* pixels = source + ((nint)h * width);
                for (int parity = 0; parity < 2; parity++)
                {
                    // The first pixel whose padded column has this parity, then every other one.
                    int w = (parity + _g.PadLeft) & 1;
                    float* to0 = row + ((nint)parity * plane) + ((w + _g.PadLeft) >> 1);
                    for (int i = 0; w < width; w += 2, i++)
                    {
                        to0[i] = pixels[w];
                    }
                }
            }
        }
    }

    /// <summary>
    /// <c>V[ξ][c][t − first] = (Bᵀ·d·B)[ξ]</c> for every channel and the tiles <c>[first, first + count)</c>.
    /// </summary>
    /// <param name="planes">All channels' parity planes, from <see cref="Pad"/>.</param>
    /// <param name="first">First tile.</param>
    /// <param name="count">Tiles.</param>
    /// <param name="v">16 matrices <c>[C, ld]</c> one after another.</param>
    /// <param name="ld">Row stride of each matrix, at least <paramref name="count"/>.</param>
    public void TransformInput(float* planes, int first, int count, float* v, int ld)
    {
        int channels = _g.Channels;
        nint matrix = (nint)channels * ld;
        for (int c = 0; c < channels; c++)
        {
            float* even = planes + ((nint)c * ChannelSize);
            float* odd = even + ((nint)PlaneRows * PlaneColumns);
            float* target = v + ((nint)c * ld);
            for (int t = first; t < first + count;)
            {
                int ti = t / TileColumns, tj = t % TileColumns;
                int run = Math.Min(TileColumns - tj, first + count - t);
                nint rowOffset = (nint)2 * ti * PlaneColumns;
                int j = 0;
                if (Vector256.IsHardwareAccelerated && run >= Lanes)
                {
                    // The last vector ends where the run does, redoing a few tiles rather than leaving a scalar tail.
                    for (int at = 0; ; at = Math.Min(at + Lanes, run - Lanes))
                    {
                        InputVector(even + rowOffset + tj + at, odd + rowOffset + tj + at, PlaneColumns, target + (t - first) + at, matrix);
                        if (at + Lanes >= run)
                        {
                            break;
                        }
                    }

                    j = run;
                }

                for (; j < run; j++)
                {
                    InputScalar(even + rowOffset + tj + j, odd + rowOffset + tj + j, PlaneColumns, target + (t - first) + j, matrix);
                }

                t += run;
            }
        }
    }

    /// <summary>
    /// <c>y[oc, 2ti + i, 2tj + j] = (Aᵀ·m·A)[i, j] + bias[oc]</c> for the filters <c>[ocFrom, ocTo)</c>
    /// and the tiles <c>[first, first + count)</c>, outputs past OH or OW dropped.
    /// </summary>
    /// <param name="m">16 matrices <c>[rows, ld]</c> one after another; row 0 is filter <paramref name="ocFrom"/>.</param>
    /// <param name="rows">Rows of each matrix of <paramref name="m"/>.</param>
    /// <param name="ld">Row stride of each matrix.</param>
    /// <param name="ocFrom">First filter.</param>
    /// <param name="ocTo">One past the last filter.</param>
    /// <param name="first">First tile.</param>
    /// <param name="count">Tiles.</param>
    /// <param name="bias">Per-filter offset <c>[OC]</c>, or null.</param>
    /// <param name="y">The image's output <c>[OC, OH, OW]</c>.</param>
    /// <param name="relu">Whether the outputs are then replaced by <c>max(y, 0)</c>.</param>
    public void TransformOutput(float* m, int rows, int ld, int ocFrom, int ocTo, int first, int count, float* bias, float* y, bool relu = false)
    {
        int outHeight = _g.OutHeight, outWidth = _g.OutWidth;
        nint matrix = (nint)rows * ld;
        for (int oc = ocFrom; oc < ocTo; oc++)
        {
            float offset = bias is null ? 0f : bias[oc];
            float* source = m + ((nint)(oc - ocFrom) * ld);
            float* plane = y + ((nint)oc * outHeight * outWidth);
            for (int t = first; t < first + count;)
            {
                int ti = t / TileColumns, tj = t % TileColumns;
                int run = Math.Min(TileColumns - tj, first + count - t);
                float* top = plane + ((nint)2 * ti * outWidth);
                bool bottom = (2 * ti) + 1 < outHeight;
                int j = 0;
                if (Vector256.IsHardwareAccelerated && run >= Lanes)
                {
                    // Whole vectors only where all 16 output columns exist; the last one ends where
                    // the run does, redoing a few tiles rather than leaving a scalar tail.
                    int vectors = 2 * (tj + run) <= outWidth ? run : run - 1;
                    for (int at = 0; vectors >= Lanes; at = Math.Min(at + Lanes, vectors - Lanes))
                    {
                        OutputVector(source + (t - first) + at, matrix, offset, top + (2 * (tj + at)), outWidth, bottom);
                        if (at + Lanes >= vectors)
                        {
                            j = vectors;
                            break;
                        }
                    }
                }

                for (; j < run; j++)
                {
                    int column = 2 * (tj + j);
                    OutputScalar(source + (t - first) + j, matrix, offset, top + column, outWidth, bottom, column + 1 < outWidth);
                }

                if (relu)
                {
                    // Only this run's own outputs: other blocks' tiles in the same rows may be written meanwhile.
                    int from = 2 * tj, length = Math.Min(outWidth, 2 * (tj + run)) - from;
                    Activation.ReluInPlace(new Span<float>(top + from, length));
                    if (bottom)
                    {
                        Activation.ReluInPlace(new Span<float>(top + outWidth + from, length));
                    }
                }

                t += run;
            }
        }
    }

    /// <summary>One tile's input transform: rows k of d at <c>even/odd + k·stride</c>; element ξ stored at <c>v + ξ·matrix</c>.</summary>
    private static void InputScalar(float* even, float* odd, int stride, float* v, nint matrix)
    {
        // e = d·B along each row, as the vector path does: (d0 − d2, d1 + d2, d2 − d1, d1 − d3).
        nint s1 = stride, s2 = 2 * (nint)stride, s3 = 3 * (nint)stride;
        float a0 = even[0] - even[1], a1 = odd[0] + even[1], a2 = even[1] - odd[0], a3 = odd[0] - odd[1];
        float b0 = even[s1] - even[s1 + 1], b1 = odd[s1] + even[s1 + 1], b2 = even[s1 + 1] - odd[s1], b3 = odd[s1] - odd[s1 + 1];
        float c0 = even[s2] - even[s2 + 1], c1 = odd[s2] + even[s2 + 1], c2 = even[s2 + 1] - odd[s2], c3 = odd[s2] - odd[s2 + 1];
        float d0 = even[s3] - even[s3 + 1], d1 = odd[s3] + even[s3 + 1], d2 = even[s3 + 1] - odd[s3], d3 = odd[s3] - odd[s3 + 1];

        // Bᵀ·e down each column.
        ColumnScalar(v, matrix, 0, a0, b0, c0, d0);
        ColumnScalar(v, matrix, 1, a1, b1, c1, d1);
        ColumnScalar(v, matrix, 2, a2, b2, c2, d2);
        ColumnScalar(v, matrix, 3, a3, b3, c3, d3);

        static void ColumnScalar(float* v, nint matrix, int j, float e0, float e1, float e2, float e3)
        {
            v[j * matrix] = e0 - e2;
            v[(4 + j) * matrix] = e1 + e2;
            v[(8 + j) * matrix] = e2 - e1;
            v[(12 + j) * matrix] = e1 - e3;
        }
    }

    /// <summary>As <see cref="InputScalar"/> for eight neighbouring tiles of one tile row.</summary>
    private static void InputVector(float* even, float* odd, int stride, float* v, nint matrix)
    {
        Row(even, odd, out Vector256<float> a0, out Vector256<float> a1, out Vector256<float> a2, out Vector256<float> a3);
        Row(even + stride, odd + stride, out Vector256<float> b0, out Vector256<float> b1, out Vector256<float> b2, out Vector256<float> b3);
        Row(even + (2 * stride), odd + (2 * stride), out Vector256<float> c0, out Vector256<float> c1, out Vector256<float> c2, out Vector256<float> c3);
        Row(even + (3 * stride), odd + (3 * stride), out Vector256<float> d0, out Vector256<float> d1, out Vector256<float> d2, out Vector256<float> d3);
        Column(v, matrix, 0, a0, b0, c0, d0);
        Column(v, matrix, 1, a1, b1, c1, d1);
        Column(v, matrix, 2, a2, b2, c2, d2);
        Column(v, matrix, 3, a3, b3, c3, d3);

        static void Row(float* even, float* odd, out Vector256<float> e0, out Vector256<float> e1, out Vector256<float> e2, out Vector256<float> e3)
        {
            Vector256<float> d0 = Vector256.Load(even), d1 = Vector256.Load(odd);
            Vector256<float> d2 = Vector256.Load(even + 1), d3 = Vector256.Load(odd + 1);
            e0 = d0 - d2;
            e1 = d1 + d2;
            e2 = d2 - d1;
            e3 = d1 - d3;
        }

        static void Column(float* v, nint matrix, int j, Vector256<float> e0, Vector256<float> e1, Vector256<float> e2, Vector256<float> e3)
        {
            Vector256.Store(e0 - e2, v + (j * matrix));
            Vector256.Store(e1 + e2, v + ((4 + j) * matrix));
            Vector256.Store(e2 - e1, v + ((8 + j) * matrix));
            Vector256.Store(e1 - e3, v + ((12 + j) * matrix));
        }
    }

    /// <summary>One tile's output transform: element ξ of m at <c>m + ξ·matrix</c>; outputs at <c>y</c> (row 0) and <c>y + stride</c> (row 1).</summary>
    private static void OutputScalar(float* m, nint matrix, float offset, float* y, int stride, bool bottom, bool right)
    {
        // z = Aᵀ·m: z0 = m0 + m1 + m2, z1 = m1 − m2 − m3 (rows of m), then y = z·A along each row.
        float m00 = m[0], m01 = m[matrix], m02 = m[2 * matrix], m03 = m[3 * matrix];
        float m10 = m[4 * matrix], m11 = m[5 * matrix], m12 = m[6 * matrix], m13 = m[7 * matrix];
        float m20 = m[8 * matrix], m21 = m[9 * matrix], m22 = m[10 * matrix], m23 = m[11 * matrix];
        float m30 = m[12 * matrix], m31 = m[13 * matrix], m32 = m[14 * matrix], m33 = m[15 * matrix];
        float z00 = m00 + m10 + m20, z01 = m01 + m11 + m21, z02 = m02 + m12 + m22, z03 = m03 + m13 + m23;
        y[0] = z00 + z01 + z02 + offset;
        if (right)
        {
            y[1] = z01 - z02 - z03 + offset;
        }

        if (bottom)
        {
            float z10 = m10 - m20 - m30, z11 = m11 - m21 - m31, z12 = m12 - m22 - m32, z13 = m13 - m23 - m33;
            y[stride] = z10 + z11 + z12 + offset;
            if (right)
            {
                y[stride + 1] = z11 - z12 - z13 + offset;
            }
        }
    }

    /// <summary>As <see cref="OutputScalar"/> for eight neighbouring tiles of one tile row, all 16 output columns inside the image.</summary>
    private static void OutputVector(float* m, nint matrix, float offset, float* y, int stride, bool bottom)
    {
        Vector256<float> bias = Vector256.Create(offset);
        Vector256<float> m00 = Vector256.Load(m), m01 = Vector256.Load(m + matrix), m02 = Vector256.Load(m + (2 * matrix)), m03 = Vector256.Load(m + (3 * matrix));
        Vector256<float> m10 = Vector256.Load(m + (4 * matrix)), m11 = Vector256.Load(m + (5 * matrix)), m12 = Vector256.Load(m + (6 * matrix)), m13 = Vector256.Load(m + (7 * matrix));
        Vector256<float> m20 = Vector256.Load(m + (8 * matrix)), m21 = Vector256.Load(m + (9 * matrix)), m22 = Vector256.Load(m + (10 * matrix)), m23 = Vector256.Load(m + (11 * matrix));
        Vector256<float> z00 = m00 + m10 + m20, z01 = m01 + m11 + m21, z02 = m02 + m12 + m22, z03 = m03 + m13 + m23;
        Interleave(z00 + z01 + z02 + bias, z01 - z02 - z03 + bias, y);
        if (bottom)
        {
            Vector256<float> m30 = Vector256.Load(m + (12 * matrix)), m31 = Vector256.Load(m + (13 * matrix)), m32 = Vector256.Load(m + (14 * matrix)), m33 = Vector256.Load(m + (15 * matrix));
            Vector256<float> z10 = m10 - m20 - m30, z11 = m11 - m21 - m31, z12 = m12 - m22 - m32, z13 = m13 - m23 - m33;
            Interleave(z10 + z11 + z12 + bias, z11 - z12 - z13 + bias, y + stride);
        }
    }

    /// <summary>Writes <c>left[0], right[0], left[1], right[1], …</c>: the two output columns of eight tiles, in image order.</summary>
    private static void Interleave(Vector256<float> left, Vector256<float> right, float* y)
    {
        // Lanes 0–3 of each go to the first 8 floats, lanes 4–7 to the next 8.
        Vector256<float> low = Vector256.Shuffle(Vector256.Create(left.GetLower(), right.GetLower()), Vector256.Create(0, 4, 1, 5, 2, 6, 3, 7));
        Vector256<float> high = Vector256.Shuffle(Vector256.Create(left.GetUpper(), right.GetUpper()), Vector256.Create(0, 4, 1, 5, 2, 6, 3, 7));
        Vector256.Store(low, y);
        Vector256.Store(high, y + 8);
    }
}
