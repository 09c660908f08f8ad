using System.Buffers;
using System.Numerics.Tensors;

namespace FoolingCluster.Tensors.Kernels;

/// <summary>
/// The forward pass of a convolution as a GEMM that reads its right operand from the image
/// itself: no column matrix is unfolded and no panel of B is packed.
/// </summary>
/// <remarks>
/// Each image is copied once into zero-padded phase planes <c>[C, sh, sw, Hq, Wq]</c>: padded pixel
/// (h, w) goes to the plane of its remainders <c>(h mod sh, w mod sw)</c>, at <c>(⌊h / sh⌋,
/// ⌊w / sw⌋)</c>; with stride 1 there is one plane per channel, the padded image itself. Output
/// position (oh, ow) becomes column <c>j = oh·Wq + ow</c> of a product <c>[OC, OH·Wq]</c>, and its
/// window element (c, kh, kw) lies at <c>shift(c, kh, kw) + j</c> in the planes
/// (<see cref="Plan.FillShifts"/>): at every depth step the Nr columns of a tile are one contiguous
/// run of the planes at a fixed shift (<see cref="ShiftedRows"/>), which the microkernel reads where
/// it lies. The columns ow ≥ OW of each row run on into the next row: they are computed and
/// dropped when the product is copied into y with the bias.
/// <para>
/// Why: a tile's runs over one depth block of ResNet's 64-channel 3×3 layer span three rows of
/// 28 planes, about 20 KB, and stay in L1 while the weight's row panels go by; a packed panel of
/// the same block is 64 KB and does not, and packing it (or unfolding the windows first) is a
/// pass over memory of its own for every block.
/// </para>
/// </remarks>
internal static unsafe class DirectConvKernel
{
    /// <summary>
    /// Whether a convolution runs here: one group, a window larger than one pixel (a 1×1 reads the
    /// image as its column matrix, or a strided copy of it, with no unfolding to save), a geometry
    /// with windows inside the padded image, its weight packed, and at least <see cref="MinimumUseful"/> of the product's columns kept.
    /// </summary>
    public static bool Applies(in GeneralConvGeometry g, GemmPackedA[]? packed) =>
        packed is { Length: 1 } && g.Groups == 1 && g.KernelHeight * g.KernelWidth > 1 && g.Problem() is null &&
        g.OutSpatial >= MinimumUseful * ProductColumns(g, BlockedKernels.TileColumns(packed[0].Kind));

    /// <summary>Columns of the product this path computes for one image, output positions and the rest, with tiles of <paramref name="nr"/> columns.</summary>
    public static int ProductColumns(in GeneralConvGeometry g, int nr) => new Plan(g, nr).ProductStride;

    /// <summary>
    /// The least share of the product's columns that must be output positions. The rest are the
    /// pad columns of each row and the last tile's overrun: LeNet's second layer (8×8 outputs in
    /// rows of 12, two tiles of 64 for 64 positions) kept half and ran at three quarters of the
    /// unfolding path's speed, which sets several images side by side in one product; ResNet's
    /// layers keep 77 % (14×14 in rows of 16; 7×7 in one tile) to 97 %.
    /// </summary>
    private const double MinimumUseful = 0.7;

    /// <summary>
    /// <c>y[n] = conv(x[n], W) + bias</c> for images <c>[start, end)</c>, each on up to
    /// <paramref name="threads"/> threads; the images outside the range are not touched.
    /// </summary>
    /// <param name="g">Sizes; must satisfy <see cref="Applies"/>.</param>
    /// <param name="x">Input <c>[N,C,H,W]</c>.</param>
    /// <param name="weight">The weight <c>[OC, C·KH·KW]</c> packed by <see cref="GemmPackedA.Pack(ReadOnlySpan{float}, int, int, int)"/>.</param>
    /// <param name="bias">Per-channel offset <c>[OC]</c>, or null for none.</param>
    /// <param name="y">Output <c>[N,OC,OH,OW]</c>.</param>
    /// <param name="start">First image.</param>
    /// <param name="end">One past the last image.</param>
    /// <param name="threads">Threads per image.</param>
    /// <param name="pool">
    /// Whether y takes the maxima of the outputs' 2×2 windows at stride 2 instead,
    /// <c>[N,OC,⌊OH/2⌋,⌊OW/2⌋]</c>: each pair of product rows is pooled as soon as it is done, so
    /// the convolution's own output is never written.
    /// </param>
    public static void Forward(in GeneralConvGeometry g, float* x, GemmPackedA weight, float* bias, float* y, int start, int end, int threads, bool pool = false) =>
        BlockedKernels.Call(weight.Kind, new ForwardCall(g, x, weight, bias, y, start, end, threads, pool));

    /// <summary>The arguments of <see cref="Forward"/>, for the microkernel the weight is packed for.</summary>
    private readonly struct ForwardCall(GeneralConvGeometry g, float* x, GemmPackedA weight, float* bias, float* y, int start, int end, int threads, bool pool) : IBlockedKernelCall
    {
        public void Run<TKernel>()
            where TKernel : struct, IGemmMicroKernel => Forward<TKernel>(g, x, weight, bias, y, start, end, threads, pool);
    }

    private static void Forward<TKernel>(in GeneralConvGeometry g, float* x, GemmPackedA weight, float* bias, float* y, int start, int end, int threads, bool pool)
        where TKernel : struct, IGemmMicroKernel
    {
        var plan = new Plan(g, TKernel.Nr);
        int[] shifts = ArrayPool<int>.Shared.Rent(weight.K);
        float[] padded = ArrayPool<float>.Shared.Rent(plan.PaddedSize);
        float[] product = ArrayPool<float>.Shared.Rent(g.OutChannels * plan.ProductStride);
        try
        {
            plan.FillShifts(shifts);
            fixed (int* ps = shifts)
            fixed (float* pp = padded, pprod = product)
            {
                // The slack after the last plane is read by the last tile's wrapped columns only.
                new Span<float>(pp + plan.PlanesSize, plan.PaddedSize - plan.PlanesSize).Clear();
                var operands = new Operands(weight, (nint)ps, (nint)pp, (nint)pprod, (nint)bias, 0, pool);
                nint image = (nint)x, output = (nint)y;
                int imageSize = g.ImageSize, outImageSize = pool ? g.OutChannels * (g.OutHeight / 2) * (g.OutWidth / 2) : g.OutImageSize;
                for (int n = start; n < end; n++)
                {
                    nint source = image + ((nint)n * imageSize * sizeof(float));
                    nint target = output + ((nint)n * outImageSize * sizeof(float));
                    ParallelRanges.Run(g.Channels, imageSize, threads, (from, to) => plan.Pad((float*)source, (float*)operands.Padded, from, to));
                    Multiply<TKernel>(plan, operands with { Output = target }, threads);
                }
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(shifts);
            ArrayPool<float>.Shared.Return(padded);
            ArrayPool<float>.Shared.Return(product);
        }
    }

    /// <summary>
    /// The product of one image and its copy into y, split over threads along whichever of its
    /// tile columns or tile rows divides more evenly (ties to columns, so that each thread reads
    /// only its own part of the image); ResNet's last stage at 7×7 has one column tile and 86 row
    /// tiles. Each thread copies out what it computed while it is still in its cache: columns a
    /// few tiles at a time, or its rows once they are done.
    /// </summary>
    private static void Multiply<TKernel>(in Plan plan, Operands op, int threads)
        where TKernel : struct, IGemmMicroKernel
    {
        int colTiles = plan.ProductStride / TKernel.Nr;
        int rowTiles = (op.M + TKernel.Mr - 1) / TKernel.Mr;
        if (threads <= 1)
        {
            SweepColumns<TKernel>(plan, op, 0, colTiles);
            return;
        }

        if (op.Pooled)
        {
            // A window's two rows may fall to different threads' columns: pool once all are done.
            Plan whole = plan;
            WorkerTeam.For(threads, threads, k => Sweep<TKernel>(whole, op, (int)((long)colTiles * k / threads), (int)((long)colTiles * (k + 1) / threads), 0, rowTiles));
            ParallelRanges.Run(op.M, (long)op.M * plan.ProductStride, threads, (from, to) => whole.Pool((float*)op.Product, (float*)op.Bias, (float*)op.Output, from, to, 0, whole.PooledRows));
            return;
        }

        bool byColumns = Imbalance(colTiles, threads) <= Imbalance(rowTiles, threads);
        int tiles = byColumns ? colTiles : rowTiles;
        int parts = Math.Min(threads, tiles);
        Plan p = plan;
        WorkerTeam.For(parts, parts, k =>
        {
            int first = (int)((long)tiles * k / parts);
            int last = (int)((long)tiles * (k + 1) / parts);
            if (byColumns)
            {
                SweepColumns<TKernel>(p, op, first, last);
            }
            else
            {
                Sweep<TKernel>(p, op, 0, colTiles, first, last);
                p.Unpad((float*)op.Product, (float*)op.Bias, (float*)op.Output, first * TKernel.Mr, Math.Min(op.M, last * TKernel.Mr), 0, p.ProductStride);
            }
        });
    }

    /// <summary>Column tiles <c>[first, last)</c> of the product for all rows, copied into y every <see cref="CopyColumns"/> columns.</summary>
    private static void SweepColumns<TKernel>(in Plan plan, in Operands op, int first, int last)
        where TKernel : struct, IGemmMicroKernel
    {
        int rowTiles = (op.M + TKernel.Mr - 1) / TKernel.Mr;
        int step = Math.Max(1, CopyColumns / TKernel.Nr);
        int pooled = 0;
        for (int t = first; t < last; t += step)
        {
            int end = Math.Min(last, t + step);
            Sweep<TKernel>(plan, op, t, end, 0, rowTiles);
            if (!op.Pooled)
            {
                plan.Unpad((float*)op.Product, (float*)op.Bias, (float*)op.Output, 0, op.M, t * TKernel.Nr, end * TKernel.Nr);
                continue;
            }

            // The windows whose two rows are now complete (a sweep of pooled columns starts at 0).
            int complete = Math.Min(plan.PooledRows, end * TKernel.Nr / (2 * plan.PhaseWidth));
            plan.Pool((float*)op.Product, (float*)op.Bias, (float*)op.Output, 0, op.M, pooled, complete);
            pooled = complete;
        }
    }

    /// <summary>
    /// Product columns computed before they are copied into y: 128 columns of 64 filters are 32 KB,
    /// still in L2 when copied. Copying the whole product after it was done read ResNet's stem
    /// (3.3 MB of product) back from L3.
    /// </summary>
    private const int CopyColumns = 128;

    /// <summary>The busiest thread's share over an even one: 1 when the tiles divide exactly.</summary>
    private static double Imbalance(int tiles, int threads) => (double)((tiles + threads - 1) / threads) * threads / tiles;

    /// <summary>
    /// Tiles <c>[colFirst, colLast)</c> × <c>[rowFirst, rowLast)</c> of the product: per column tile
    /// and depth block, the tile's image runs stay in L1 while the microkernel passes down its rows.
    /// </summary>
    private static void Sweep<TKernel>(in Plan plan, in Operands op, int colFirst, int colLast, int rowFirst, int rowLast)
        where TKernel : struct, IGemmMicroKernel
    {
        nint ldc = plan.ProductStride;
        float* origin = (float*)op.Padded + ((nint)colFirst * TKernel.Nr);
        float* c = (float*)op.Product + ((nint)colFirst * TKernel.Nr) + ((nint)rowFirst * TKernel.Mr * ldc);
        StridedProduct.Multiply<TKernel>(op.Weight, origin, (int*)op.Shifts, colLast - colFirst, c, (int)ldc, rowFirst, rowLast);
    }

    /// <summary>The operands of one call, as addresses so that worker threads can share them; <see cref="Output"/> is the image's <c>[OC,OH,OW]</c>.</summary>
    private readonly record struct Operands(GemmPackedA Weight, nint Shifts, nint Padded, nint Product, nint Bias, nint Output, bool Pooled)
    {
        /// <summary>Rows of the product: the filters.</summary>
        public int M => Weight.M;
    }

    /// <summary>Sizes of the padded image's phase planes and of the product, and the copies in and out.</summary>
    private readonly struct Plan
    {
        private readonly GeneralConvGeometry _g;

        public Plan(in GeneralConvGeometry g, int nr)
        {
            _g = g;
            PhaseHeight = (g.Height + g.PadTop + g.PadBottom + g.StrideHeight - 1) / g.StrideHeight;
            PhaseWidth = (g.Width + g.PadLeft + g.PadRight + g.StrideWidth - 1) / g.StrideWidth;
            PlanesPerChannel = g.StrideHeight * g.StrideWidth;
            PlanesSize = g.Channels * PlanesPerChannel * PhaseHeight * PhaseWidth;

            // The last tile's columns past the last output row read up to ⌊(KW − 1)·dw / sw⌋ + Nr − 2
            // floats past the planes; the slack is rounded up generously.
            PaddedSize = PlanesSize + PhaseWidth + (g.KernelWidth * g.DilationWidth) + nr;
            ProductStride = ((g.OutHeight * PhaseWidth) + nr - 1) / nr * nr;
        }

        /// <summary>Rows of a phase plane: the padded height over the vertical stride, rounded up.</summary>
        public int PhaseHeight { get; }

        /// <summary>Columns of a phase plane, and the row length of the product.</summary>
        public int PhaseWidth { get; }

        /// <summary>Phase planes per channel: one per pair of row and column remainders.</summary>
        public int PlanesPerChannel { get; }

        /// <summary>Floats of all phase planes <c>[C, sh, sw, Hq, Wq]</c>.</summary>
        public int PlanesSize { get; }

        /// <summary>Floats of the padded image buffer: the planes and the slack the last tile reads.</summary>
        public int PaddedSize { get; }

        /// <summary>Rows of y when the outputs are max-pooled 2×2 at stride 2: ⌊OH / 2⌋.</summary>
        public int PooledRows => _g.OutHeight / 2;

        /// <summary>Row stride of the product <c>[OC, OH·Wq]</c>: its columns rounded up to whole tiles.</summary>
        public int ProductStride { get; }

        /// <summary>
        /// The shift of window element (c, kh, kw), in the weight's column order: the element sits
        /// <c>kh·dh</c> rows and <c>kw·dw</c> columns below and right of the window's corner, that
        /// is in phase <c>(kh·dh mod sh, kw·dw mod sw)</c> of channel c, <c>⌊kh·dh / sh⌋</c> phase
        /// rows and <c>⌊kw·dw / sw⌋</c> phase columns from the corner's position there.
        /// </summary>
        public void FillShifts(Span<int> shifts)
        {
            int phase = PhaseHeight * PhaseWidth;
            int sh = _g.StrideHeight, sw = _g.StrideWidth;
            int p = 0;
            for (int c = 0; c < _g.Channels; c++)
            {
                for (int kh = 0; kh < _g.KernelHeight; kh++)
                {
                    int down = kh * _g.DilationHeight;
                    for (int kw = 0; kw < _g.KernelWidth; kw++)
                    {
                        int right = kw * _g.DilationWidth;
                        int plane = (((c * sh) + (down % sh)) * sw) + (right % sw);
                        shifts[p++] = (plane * phase) + (down / sh * PhaseWidth) + (right / sw);
                    }
                }
            }
        }

        /// <summary>
        /// Copies channels <c>[from, to)</c> of one image into their zero-padded phase planes: padded
        /// pixel (h, w) goes to phase <c>(h mod sh, w mod sw)</c> at <c>(⌊h / sh⌋, ⌊w / sw⌋)</c>.
        /// </summary>
        public void Pad(float* image, float* padded, int from, int to)
        {
            int phase = PhaseHeight * PhaseWidth;
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
                    float* rowPlanes = planes + ((nint)(row % sh) * sw * phase) + (row / sh * PhaseWidth);
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
                    float* upper = product + ((nint)oc * ProductStride) + ((nint)2 * i * PhaseWidth);
                    float* lower = upper + PhaseWidth;
                    float* target = plane + ((nint)i * width);
                    PoolMax2x2.WindowRow(upper, lower, target, width, offset, bias is not null);
                }
            }
        }

        /// <summary>
        /// <c>y[oc, oh, ow] = product[oc, oh·Wq + ow] + bias[oc]</c> for channels <c>[from, to)</c>
        /// and product columns <c>[columnFrom, columnTo)</c>; columns past a row's OW are dropped.
        /// </summary>
        public void Unpad(float* product, float* bias, float* y, int from, int to, int columnFrom, int columnTo)
        {
            int outHeight = _g.OutHeight;
            int outWidth = _g.OutWidth;
            columnTo = Math.Min(columnTo, outHeight * PhaseWidth);
            for (int oc = from; oc < to; oc++)
            {
                float* row = product + ((nint)oc * ProductStride);
                float* target = y + ((nint)oc * outHeight * outWidth);
                for (int j = columnFrom; j < columnTo;)
                {
                    int oh = j / PhaseWidth, ow = j - (oh * PhaseWidth);
                    int rowEnd = Math.Min(columnTo, (oh + 1) * PhaseWidth);
                    int count = Math.Min(outWidth, ow + (rowEnd - j)) - ow;
                    if (count > 0)
                    {
                        var source = new ReadOnlySpan<float>(row + j, count);
                        var destination = new Span<float>(target + (oh * outWidth) + ow, count);
                        if (bias is null)
                        {
                            source.CopyTo(destination);
                        }
                        else
                        {
                            TensorPrimitives.Add(source, bias[oc], destination);
                        }
                    }

                    j = rowEnd;
                }
            }
        }
    }
}
