using System.Buffers;

namespace FoolingCluster.Tensors.Kernels;

/// <summary>
/// The forward pass of a convolution as a GEMM that reads its right operand from the image
/// itself: no column matrix is unfolded and no panel of B is packed.
/// </summary>
/// <remarks>
/// Each image is copied once (<see cref="DirectConvPlan"/>), either into zero-padded phase planes
/// <c>[C, sh, sw, Hq, Wq]</c>, padded pixel (h, w) at <c>(⌊h / sh⌋, ⌊w / sw⌋)</c> of the plane of its
/// remainders <c>(h mod sh, w mod sw)</c> (with stride 1, the padded image itself), or unfolded along
/// its width only, one copy of the OW pixels each window column reads per padded row
/// (<see cref="DirectConvLayout"/>). Output position (oh, ow) becomes column
/// <c>j = oh·RowWidth + ow</c> of a product <c>[OC, OH·RowWidth]</c>, and its window element
/// (c, kh, kw) lies at <c>shift(c, kh, kw) + j</c> in the copy (<see cref="DirectConvPlan.FillShifts"/>):
/// at every depth step the Nr columns of a tile are one contiguous run at a fixed shift
/// (<see cref="ShiftedRows"/>), which the microkernel reads where it lies. In phase planes, the
/// columns ow ≥ OW of each row run on into the next row: they are computed and dropped when the
/// product is copied into y with the bias; width-unfolded, a row is OW columns and none is dropped.
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
    public static int ProductColumns(in GeneralConvGeometry g, int nr) => new DirectConvPlan(g, nr, LayoutFor(g, nr)).ProductStride;

    /// <summary>
    /// The layout with the lower cost, counting a multiply-add of the product as 1 and a float of
    /// the copy as <see cref="CopyCost"/>; the width-unfolded one only when it saves at least a
    /// twentieth. LeNet's second layer (8×8 outputs of 12×12 images) computes 64 columns a filter
    /// width-unfolded instead of 96, and its first 576 instead of 672; ResNet's layers would save 2
    /// to 4 % of their columns, less than their larger copies cost, and keep the phase planes.
    /// LeNet's forward at batch 256 ran 5 to 7 % faster with its two layers width-unfolded
    /// (medians, alternating in one process), the second now pooled as it is copied out.
    /// </summary>
    public static DirectConvLayout LayoutFor(in GeneralConvGeometry g, int nr)
    {
        double phase = new DirectConvPlan(g, nr, DirectConvLayout.PhasePlanes).Cost(CopyCost);
        double unfolded = new DirectConvPlan(g, nr, DirectConvLayout.WidthUnfolded).Cost(CopyCost);
        return unfolded < 0.95 * phase ? DirectConvLayout.WidthUnfolded : DirectConvLayout.PhasePlanes;
    }

    /// <summary>
    /// Images a worker claims at a time from a batch (<see cref="ConvBatch.RunClaimed"/>): each
    /// call's buffers and shifts are set up once for all of them. LeNet's forward at batch 256 on
    /// two threads ran 2 to 6 % faster than with one image a claim (medians, alternating in one
    /// process).
    /// </summary>
    public const int ImagesPerClaim = 8;

    /// <summary>Multiply-adds that cost as much as copying one float into the planes: a vector of 8 copied in about the time of two vectors of multiply-adds.</summary>
    private const double CopyCost = 4;

    /// <summary>
    /// The least share of the product's columns that must be output positions. The rest are the
    /// pad columns of each row of phase planes and the last tile's overrun: in phase planes,
    /// LeNet's second layer (8×8 outputs in rows of 12, two tiles of 64 for 64 positions) kept half
    /// and ran at three quarters of the unfolding path's speed, which sets several images side by
    /// side in one product; ResNet's layers keep 77 % (14×14 in rows of 16; 7×7 in one tile) to 97 %.
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
    /// <param name="layout">How the image is copied for the product to read; null for <see cref="LayoutFor"/>'s choice (tests pin each).</param>
    /// <param name="relu">Whether each output is then replaced by <c>max(y, 0)</c> as it is copied out (not with <paramref name="pool"/>).</param>
    public static void Forward(in GeneralConvGeometry g, float* x, GemmPackedA weight, float* bias, float* y, int start, int end, int threads, bool pool = false, DirectConvLayout? layout = null, bool relu = false) =>
        BlockedKernels.Call(weight.Kind, new ForwardCall(g, x, weight, bias, y, start, end, threads, pool, layout ?? LayoutFor(g, BlockedKernels.TileColumns(weight.Kind)), relu && !pool));

    /// <summary>The arguments of <see cref="Forward"/>, for the microkernel the weight is packed for.</summary>
    private readonly struct ForwardCall(GeneralConvGeometry g, float* x, GemmPackedA weight, float* bias, float* y, int start, int end, int threads, bool pool, DirectConvLayout layout, bool relu) : IBlockedKernelCall
    {
        public void Run<TKernel>()
            where TKernel : struct, IGemmMicroKernel => Forward<TKernel>(g, x, weight, bias, y, start, end, threads, pool, layout, relu);
    }

    private static void Forward<TKernel>(in GeneralConvGeometry g, float* x, GemmPackedA weight, float* bias, float* y, int start, int end, int threads, bool pool, DirectConvLayout layout, bool relu)
        where TKernel : struct, IGemmMicroKernel
    {
        var plan = new DirectConvPlan(g, TKernel.Nr, layout);
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
                var operands = new Operands(weight, (nint)ps, (nint)pp, (nint)pprod, (nint)bias, 0, pool, relu);
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
    /// The product of one image and its copy into y, split over threads by rows when the weight is
    /// larger than the image's copy, else along whichever of its tile columns or tile rows divides
    /// more evenly (ties to columns, so that each thread reads only its own part of the image);
    /// ResNet's last stage at 7×7 has one column tile and 86 row tiles. Each thread copies out
    /// what it computed while it is still in its cache: columns a few tiles at a time, or its rows
    /// once they are done.
    /// </summary>
    private static void Multiply<TKernel>(in DirectConvPlan plan, Operands op, int threads)
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
            DirectConvPlan whole = plan;
            WorkerTeam.For(threads, threads, k => Sweep<TKernel>(whole, op, (int)((long)colTiles * k / threads), (int)((long)colTiles * (k + 1) / threads), 0, rowTiles));
            ParallelRanges.Run(op.M, (long)op.M * plan.ProductStride, threads, (from, to) => whole.Pool((float*)op.Product, (float*)op.Bias, (float*)op.Output, from, to, 0, whole.PooledRows));
            return;
        }

        // A weight larger than the image's copy is split by rows, so that each thread reads only
        // its own filters: ResNet's stride-2 layer of 512 filters (4.7 MB of weight, 4 column
        // tiles) ran no faster on two threads splitting its columns, and 1.8 times faster by rows.
        bool weightLarger = (long)op.Weight.PaddedRows * op.Weight.K > plan.PlanesSize;
        bool byColumns = weightLarger ? rowTiles < threads : Imbalance(colTiles, threads) <= Imbalance(rowTiles, threads);
        int tiles = byColumns ? colTiles : rowTiles;
        int parts = Math.Min(threads, tiles);
        DirectConvPlan p = plan;
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
                p.Unpad((float*)op.Product, (float*)op.Bias, (float*)op.Output, first * TKernel.Mr, Math.Min(op.M, last * TKernel.Mr), 0, p.ProductStride, op.Relu);
            }
        });
    }

    /// <summary>Column tiles <c>[first, last)</c> of the product for all rows, copied into y every <see cref="CopyColumns"/> columns.</summary>
    private static void SweepColumns<TKernel>(in DirectConvPlan plan, in Operands op, int first, int last)
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
                plan.Unpad((float*)op.Product, (float*)op.Bias, (float*)op.Output, 0, op.M, t * TKernel.Nr, end * TKernel.Nr, op.Relu);
                continue;
            }

            // The windows whose two rows are now complete (a sweep of pooled columns starts at 0).
            int complete = Math.Min(plan.PooledRows, end * TKernel.Nr / (2 * plan.RowWidth));
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
    private static void Sweep<TKernel>(in DirectConvPlan plan, in Operands op, int colFirst, int colLast, int rowFirst, int rowLast)
        where TKernel : struct, IGemmMicroKernel
    {
        nint ldc = plan.ProductStride;
        float* origin = (float*)op.Padded + ((nint)colFirst * TKernel.Nr);
        float* c = (float*)op.Product + ((nint)colFirst * TKernel.Nr) + ((nint)rowFirst * TKernel.Mr * ldc);
        StridedProduct.Multiply<TKernel>(op.Weight, origin, (int*)op.Shifts, colLast - colFirst, c, (int)ldc, rowFirst, rowLast);
    }

    /// <summary>The operands of one call, as addresses so that worker threads can share them; <see cref="Output"/> is the image's <c>[OC,OH,OW]</c>.</summary>
    private readonly record struct Operands(GemmPackedA Weight, nint Shifts, nint Padded, nint Product, nint Bias, nint Output, bool Pooled, bool Relu)
    {
        /// <summary>Rows of the product: the filters.</summary>
        public int M => Weight.M;
    }
}
