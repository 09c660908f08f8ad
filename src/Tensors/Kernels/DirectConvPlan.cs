using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace FoolingCluster.Tensors.Kernels;

/// <summary>How <see cref="DirectConvKernel"/> copies an image so that its product reads it in place.</summary>
internal enum DirectConvLayout
{
    /// <summary>
    /// The zero-padded image split into phase planes <c>[C, sh, sw, Hq, Wq]</c>: padded pixel
    /// (h, w) goes to the plane of <c>(h mod sh, w mod sw)</c> at <c>(⌊h / sh⌋, ⌊w / sw⌋)</c>. A
    /// product row is Wq columns, of which the last <c>Wq − OW</c> are computed and dropped.
    /// </summary>
    PhasePlanes,

    /// <summary>
    /// The image unfolded along its width only, <c>[C, KW, sh, Hq, OW]</c>: for each window column
    /// kw, the OW pixels <c>(h, ow·sw + kw·dw)</c> of every padded row h, split by <c>h mod sh</c>.
    /// A product row is exactly OW columns; the copy is KW·OW / Wq times the phase planes' size.
    /// </summary>
    WidthUnfolded,
}

/// <summary>
/// Sizes of one image's copy (<see cref="DirectConvLayout"/>) and of its product
/// <c>[OC, OH·RowWidth]</c>, the shift of each window element in the copy, and the copies in and out.
/// </summary>
/// <remarks>
/// In both layouts, window element (c, kh, kw) of output column <c>j = oh·RowWidth + ow</c> lies at
/// <c>shift(c, kh, kw) + j</c> in the copy, so that at every depth step a tile's columns are one
/// contiguous run at a fixed shift.
/// </remarks>
internal readonly unsafe struct DirectConvPlan
{
    private readonly GeneralConvGeometry _g;

    public DirectConvPlan(in GeneralConvGeometry g, int nr, DirectConvLayout layout)
    {
        _g = g;
        Layout = layout;
        PhaseHeight = (g.Height + g.PadTop + g.PadBottom + g.StrideHeight - 1) / g.StrideHeight;
        bool unfolded = layout == DirectConvLayout.WidthUnfolded;
        RowWidth = unfolded ? g.OutWidth : (g.Width + g.PadLeft + g.PadRight + g.StrideWidth - 1) / g.StrideWidth;
        PlanesPerChannel = g.StrideHeight * (unfolded ? g.KernelWidth : g.StrideWidth);
        PlanesSize = g.Channels * PlanesPerChannel * PhaseHeight * RowWidth;

        // The last tile's columns past the last output row read up to ⌊(KW − 1)·dw / sw⌋ + Nr − 2
        // floats past the planes (Nr − 1 width-unfolded); the slack is rounded up generously.
        PaddedSize = PlanesSize + RowWidth + (g.KernelWidth * g.DilationWidth) + nr;
        ProductStride = ((g.OutHeight * RowWidth) + nr - 1) / nr * nr;
    }

    /// <summary>How the image is copied.</summary>
    public DirectConvLayout Layout { get; }

    /// <summary>Rows of a plane: the padded height over the vertical stride, rounded up.</summary>
    public int PhaseHeight { get; }

    /// <summary>Columns of a plane's row, and of a row of the product: Wq for phase planes, OW width-unfolded.</summary>
    public int RowWidth { get; }

    /// <summary>Planes per channel: one per pair of row and column remainders, or per window column and row remainder.</summary>
    public int PlanesPerChannel { get; }

    /// <summary>Floats of all planes.</summary>
    public int PlanesSize { get; }

    /// <summary>Floats of the padded image buffer: the planes and the slack the last tile reads.</summary>
    public int PaddedSize { get; }

    /// <summary>Rows of y when the outputs are max-pooled 2×2 at stride 2: ⌊OH / 2⌋.</summary>
    public int PooledRows => _g.OutHeight / 2;

    /// <summary>Row stride of the product <c>[OC, OH·RowWidth]</c>: its columns rounded up to whole tiles.</summary>
    public int ProductStride { get; }

    /// <summary>
    /// An image's cost in multiply-adds: the product's, and its copy's at
    /// <paramref name="copyCost"/> multiply-adds a float.
    /// </summary>
    public double Cost(double copyCost) => ((double)_g.OutChannels * _g.PatchSize * ProductStride) + (copyCost * PlanesSize);

    /// <summary>
    /// The shift of window element (c, kh, kw), in the weight's column order. The element sits
    /// <c>kh·dh</c> rows and <c>kw·dw</c> columns below and right of the window's corner: in phase
    /// planes, in phase <c>(kh·dh mod sh, kw·dw mod sw)</c> of channel c, <c>⌊kh·dh / sh⌋</c>
    /// phase rows and <c>⌊kw·dw / sw⌋</c> phase columns from the corner's position there;
    /// width-unfolded, in the plane of kw and <c>kh·dh mod sh</c>, <c>⌊kh·dh / sh⌋</c> rows down.
    /// </summary>
    public void FillShifts(Span<int> shifts)
    {
        int phase = PhaseHeight * RowWidth;
        int sh = _g.StrideHeight, sw = _g.StrideWidth;
        bool unfolded = Layout == DirectConvLayout.WidthUnfolded;
        int p = 0;

        for (int c = 0; c < _g.Channels; c++)
        {
            for (int kh = 0; kh < _g.KernelHeight; kh++)
            {
                int down = kh * _g.DilationHeight;
                for (int kw = 0; kw < _g.KernelWidth; kw++)
                {
                    if (unfolded)
                    {
                        int plane = (((c * _g.KernelWidth) + kw) * sh) + (down % sh);
                        shifts[p++] = (plane * phase) + (down / sh * RowWidth);
                        continue;
                    }

                    int right = kw * _g.DilationWidth;
                    int phasePlane = (((c * sh) + (down % sh)) * sw) + (right % sw);
                    shifts[p++] = (phasePlane * phase) + (down / sh * RowWidth) + (right / sw);
                }
            }
        }
    }

    /// <summary>Copies channels <c>[from, to)</c> of one image into their planes, zero where the window reads padding.</summary>
    public void Pad(float* image, float* padded, int from, int to)
    {
        if (Layout == DirectConvLayout.WidthUnfolded)
        {
            Unfold(image, padded, from, to);
            return;
        }

        int phase = PhaseHeight * RowWidth;
        int sh = _g.StrideHeight, sw = _g.StrideWidth;
        int width = _g.Width;
        for (int c = from; c < to; c++)
        {
            float* planes = padded + ((nint)c * PlanesPerChannel * phase);
            new Span<float>(planes, PlanesPerChannel * phase).Clear();
            float* source = image + ((nint)c * _g.Height * width);
            for (int h = 0; h < _g.Height; h++)
            {
                int row = h + _g.PadTop;
                float* rowPlanes = planes + ((nint)(row % sh) * sw * phase) + (row / sh * RowWidth);
                float* from0 = source + ((nint)h * width);
                if (sw == 1)
                {
                    new ReadOnlySpan<float>(from0, width).CopyTo(new Span<float>(rowPlanes + _g.PadLeft, width));
                    continue;
                }

                // Each phase takes every sw-th pixel of the row, starting where its remainder does.
                for (int r = 0; r < sw; r++)
                {
                    int w = (((r - _g.PadLeft) % sw) + sw) % sw;
                    float* to0 = rowPlanes + ((nint)r * phase) + ((w + _g.PadLeft) / sw);
                    for (int i = 0; w < width; w += sw, i++)
                    {
                        to0[i] = from0[w];
                    }
                }
            }
        }
    }

    /// <summary>
    /// The width-unfolded copy of channels <c>[from, to)</c>: row h of plane (c, kw, h mod sh) at
    /// <c>⌊h / sh⌋</c> holds padded pixels <c>(h, ow·sw + kw·dw)</c> for ow in <c>[0, OW)</c>.
    /// Rows of a plane past the padded height are read only by dropped columns, and left as they are.
    /// </summary>
    private void Unfold(float* image, float* padded, int from, int to)
    {
        int phase = PhaseHeight * RowWidth;
        int sh = _g.StrideHeight, sw = _g.StrideWidth;
        int width = _g.Width, outWidth = _g.OutWidth;
        int paddedHeight = _g.Height + _g.PadTop + _g.PadBottom;
        for (int c = from; c < to; c++)
        {
            float* source = image + ((nint)c * _g.Height * width);
            for (int kw = 0; kw < _g.KernelWidth; kw++)
            {
                // Output column ow reads image column ow·sw + left: inside the image for ow in [first, last).
                int left = (kw * _g.DilationWidth) - _g.PadLeft;
                int first = Math.Min(outWidth, left >= 0 ? 0 : (-left + sw - 1) / sw);
                int last = Math.Max(first, Math.Min(outWidth, width - left <= 0 ? 0 : ((width - left - 1) / sw) + 1));
                float* planes = padded + ((((nint)c * _g.KernelWidth) + kw) * sh * phase);
                for (int row = 0; row < paddedHeight; row++)
                {
                    float* target = planes + ((nint)(row % sh) * phase) + (row / sh * RowWidth);
                    int h = row - _g.PadTop;
                    if (h < 0 || h >= _g.Height)
                    {
                        new Span<float>(target, outWidth).Clear();
                        continue;
                    }

                    // Short rows: a call per row to clear or copy costs more than the floats it moves.
                    for (int ow = 0; ow < first; ow++)
                    {
                        target[ow] = 0f;
                    }

                    for (int ow = last; ow < outWidth; ow++)
                    {
                        target[ow] = 0f;
                    }

                    float* pixels = source + ((nint)h * width) + left;
                    if (sw == 1)
                    {
                        CopyRun(pixels + first, target + first, last - first);
                        continue;
                    }

                    for (int ow = first; ow < last; ow++)
                    {
                        target[ow] = pixels[ow * sw];
                    }
                }
            }
        }
    }

    /// <summary>Copies <paramref name="count"/> floats a vector at a time: rows of 8 to 28 floats cost as much again through a memmove call.</summary>
    private static void CopyRun(float* from, float* to, int count)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= count - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256.Store(Vector256.Load(from + i), to + i);
            }
        }

        for (; i < count; i++)
        {
            to[i] = from[i];
        }
    }

    /// <summary>
    /// <c>y[oc, i, j] = max over the 2×2 window at (2i, 2j) of product[oc, ·] + bias[oc]</c> for
    /// channels <c>[from, to)</c> and pooled rows <c>[rowFrom, rowTo)</c>, y <c>[OC, ⌊OH/2⌋, ⌊OW/2⌋]</c>.
    /// The maximum is taken before the bias is added, which gives the same bits as adding it
    /// first (rounding is monotonic); ties and NaN are settled as the pooling kernel settles
    /// them (<see cref="PoolMax2x2.WindowRow"/>).
    /// </summary>
    public void Pool(float* product, float* bias, float* y, int from, int to, int rowFrom, int rowTo)
    {
        int width = _g.OutWidth / 2;
        for (int oc = from; oc < to; oc++)
        {
            float offset = bias is null ? 0f : bias[oc];
            float* plane = y + ((nint)oc * PooledRows * width);
            for (int i = rowFrom; i < rowTo; i++)
            {
                float* upper = product + ((nint)oc * ProductStride) + ((nint)2 * i * RowWidth);
                float* lower = upper + RowWidth;
                float* target = plane + ((nint)i * width);
                PoolMax2x2.WindowRow(upper, lower, target, width, offset, bias is not null);
            }
        }
    }

    /// <summary>
    /// <c>y[oc, oh, ow] = product[oc, oh·RowWidth + ow] + bias[oc]</c> for channels <c>[from, to)</c>
    /// and product columns <c>[columnFrom, columnTo)</c>, then <c>max(y, 0)</c> with
    /// <paramref name="relu"/>; columns past a row's OW are dropped.
    /// </summary>
    public void Unpad(float* product, float* bias, float* y, int from, int to, int columnFrom, int columnTo, bool relu)
    {
        int outHeight = _g.OutHeight;
        int outWidth = _g.OutWidth;
        columnTo = Math.Min(columnTo, outHeight * RowWidth);

        // Rows of exactly OW columns lie in the product as they lie in y: one run per channel.
        int runLength = RowWidth == outWidth ? Math.Max(0, columnTo - columnFrom) : 0;
        for (int oc = from; oc < to; oc++)
        {
            float* row = product + ((nint)oc * ProductStride);
            float* target = y + ((nint)oc * outHeight * outWidth);
            if (runLength > 0)
            {
                CopyOut(row + columnFrom, target + columnFrom, runLength, bias, oc, relu);
                continue;
            }

            for (int j = columnFrom; j < columnTo;)
            {
                int oh = j / RowWidth, ow = j - (oh * RowWidth);
                int rowEnd = Math.Min(columnTo, (oh + 1) * RowWidth);
                int count = Math.Min(outWidth, ow + (rowEnd - j)) - ow;
                if (count > 0)
                {
                    CopyOut(row + j, target + (oh * outWidth) + ow, count, bias, oc, relu);
                }

                j = rowEnd;
            }
        }
    }

    private static void CopyOut(float* from, float* to, int count, float* bias, int oc, bool relu)
    {
        var source = new ReadOnlySpan<float>(from, count);
        var destination = new Span<float>(to, count);
        if (bias is null)
        {
            source.CopyTo(destination);
        }
        else
        {
            TensorPrimitives.Add(source, bias[oc], destination);
        }

        if (relu)
        {
            Activation.ReluInPlace(destination);
        }
    }
}
