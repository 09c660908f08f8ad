using System.Buffers;

namespace FoolingCluster.Tensors.Kernels;

/// <summary>
/// The forward pass of a 3×3, stride-1 convolution by Winograd's minimal filtering F(2×2, 3×3)
/// (Lavin &amp; Gray, "Fast Algorithms for Convolutional Neural Networks", CVPR 2016): 16
/// multiplications per 2×2 output tile and input channel instead of 36, as 16 GEMMs
/// <c>M[ξ] = U[ξ]·V[ξ]</c> of <c>[OC, C] × [C, tiles]</c> between the transforms of
/// <see cref="WinogradTiles"/>.
/// </summary>
/// <remarks>
/// <para>
/// Why: ResNet's 3×3 layers are most of its work, and the direct product (<see cref="DirectConvKernel"/>)
/// already runs its microkernel near the cores' peak, so only fewer multiplications make them
/// faster. The transforms' coefficients are 0, ±½ and ±1, and the outputs agree with the direct
/// product to float rounding (a few units in the sixth significant digit).
/// </para>
/// <para>
/// An image's tiles go in blocks of about 4,096 / C tiles, so that a block's 16 transformed
/// matrices stay in L2 from the input transform through the GEMMs to the output transform. The
/// work items are blocks, or, when an image has too few blocks for the threads, blocks split by
/// rows of filters (each such item transforms its block's input itself). Each output is
/// computed the same way whatever the split, so results do not depend on the thread count.
/// </para>
/// </remarks>
internal static unsafe class WinogradConvKernel
{
    /// <summary>C × tiles of a block that the block size aims at: its 16 transformed input matrices take 256 KB, as its 16 products do when OC = C.</summary>
    private const int BlockFloats = 4096;

    /// <summary>
    /// Whether the convolution runs here: one group, a 3×3 window at stride 1 without dilation, at
    /// least <see cref="MinimumChannels"/> channels in and out, and fewer multiplications than the
    /// direct product once each path's unused columns are counted (ResNet's 7×7 layers fill a
    /// 16-column tile with 4×4 output tiles, but only a quarter of a 64-column one).
    /// </summary>
    public static bool Applies(in GeneralConvGeometry g, GemmKernelKind kind)
    {
        if (g.Groups != 1 || g.KernelHeight != 3 || g.KernelWidth != 3 || g.StrideHeight != 1 || g.StrideWidth != 1 ||
            g.DilationHeight != 1 || g.DilationWidth != 1 || g.Channels < MinimumChannels || g.OutChannels < MinimumChannels ||
            g.Problem() is not null || !BlockedKernels.Has(kind))
        {
            return false;
        }

        int nr = BlockedKernels.TileColumns(kind);
        var tiles = new WinogradTiles(g);
        int block = BlockTiles(g.Channels, tiles.Tiles, nr);
        long winogradColumns = (long)((tiles.Tiles + block - 1) / block) * block;
        long directColumns = DirectConvKernel.ProductColumns(g, nr);
        return WinogradWeight.TileElements * winogradColumns * 4 <= 9L * directColumns * 3;
    }

    /// <summary>Fewest input and output channels: below it the transforms cost about what the GEMMs save.</summary>
    private const int MinimumChannels = 16;

    /// <summary>
    /// <c>y[n] = conv(x[n], W) + bias</c> for images <c>[start, end)</c>, each on up to
    /// <paramref name="threads"/> threads; the images outside the range are not touched.
    /// </summary>
    /// <param name="g">Sizes; must satisfy <see cref="Applies"/>.</param>
    /// <param name="x">Input <c>[N,C,H,W]</c>.</param>
    /// <param name="weight">The weight transformed by <see cref="WinogradWeight.Pack(ReadOnlySpan{float}, int, int)"/>.</param>
    /// <param name="bias">Per-channel offset <c>[OC]</c>, or null for none.</param>
    /// <param name="y">Output <c>[N,OC,OH,OW]</c>.</param>
    /// <param name="start">First image.</param>
    /// <param name="end">One past the last image.</param>
    /// <param name="threads">Threads per image.</param>
    /// <param name="relu">Whether each output is then replaced by <c>max(y, 0)</c>, as it is written.</param>
    public static void Forward(in GeneralConvGeometry g, float* x, WinogradWeight weight, float* bias, float* y, int start, int end, int threads, bool relu = false) =>
        BlockedKernels.Call(weight.Kind, new ForwardCall(g, x, weight, bias, y, start, end, threads, relu));

    /// <summary>Tiles per block: a multiple of the microkernel's columns near <see cref="BlockFloats"/> / C, and no more than the image needs.</summary>
    private static int BlockTiles(int channels, int tiles, int nr)
    {
        int wanted = Math.Max(nr, BlockFloats / channels / nr * nr);
        return Math.Min(wanted, (tiles + nr - 1) / nr * nr);
    }

    /// <summary>The arguments of <see cref="Forward"/>, for the microkernel the weight is packed for.</summary>
    private readonly struct ForwardCall(GeneralConvGeometry g, float* x, WinogradWeight weight, float* bias, float* y, int start, int end, int threads, bool relu) : IBlockedKernelCall
    {
        public void Run<TKernel>()
            where TKernel : struct, IGemmMicroKernel => Forward<TKernel>(g, x, weight, bias, y, start, end, threads, relu);
    }

    private static void Forward<TKernel>(in GeneralConvGeometry g, float* x, WinogradWeight weight, float* bias, float* y, int start, int end, int threads, bool relu)
        where TKernel : struct, IGemmMicroKernel
    {
        var tiles = new WinogradTiles(g);
        int block = BlockTiles(g.Channels, tiles.Tiles, TKernel.Nr);
        int blocks = (tiles.Tiles + block - 1) / block;
        int rowTiles = (g.OutChannels + TKernel.Mr - 1) / TKernel.Mr;

        // Fewer blocks than threads: split each block's filters too, into as few parts as go
        // round, since each part transforms the block's input again and streams its own filters.
        // ResNet's last stage (one block of 16 tiles, 512 filters) ran 17 to 19 % faster at
        // batch 1 on two threads in two parts than in four.
        int parts = threads > 1 && blocks < threads ? Math.Min(rowTiles, (threads + blocks - 1) / blocks) : 1;
        float[] planes = ArrayPool<float>.Shared.Rent(g.Channels * tiles.ChannelSize);
        int[] shifts = ArrayPool<int>.Shared.Rent(g.Channels);
        try
        {
            for (int p = 0; p < g.Channels; p++)
            {
                shifts[p] = p * block;
            }

            fixed (float* pp = planes)
            fixed (int* ps = shifts)
            {
                var run = new Run(g, tiles, weight, block, parts, rowTiles, (nint)pp, (nint)ps, (nint)bias, relu);
                int imageSize = g.ImageSize, outImageSize = g.OutImageSize;
                for (int n = start; n < end; n++)
                {
                    nint source = (nint)(x + ((nint)n * imageSize));
                    nint target = (nint)(y + ((nint)n * outImageSize));
                    ParallelRanges.Run(g.Channels, imageSize, threads, (from, to) => tiles.Pad((float*)source, (float*)run.Planes, from, to));
                    WorkerTeam.For(blocks * parts, threads, k => run.Item<TKernel>(k / parts, k % parts, (float*)target));
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(planes);
            ArrayPool<int>.Shared.Return(shifts);
        }
    }

    /// <summary>One image's sizes and shared buffers, as addresses so that worker threads can share them.</summary>
    private readonly record struct Run(
        GeneralConvGeometry G, WinogradTiles Tiles, WinogradWeight Weight, int Block, int Parts, int RowTiles,
        nint Planes, nint Shifts, nint Bias, bool Relu)
    {
        /// <summary>
        /// Block <paramref name="b"/>'s tiles, filters of row tiles part <paramref name="part"/> of
        /// <see cref="Parts"/>: input transform, the 16 GEMMs, output transform into <paramref name="y"/>.
        /// </summary>
        public void Item<TKernel>(int b, int part, float* y)
            where TKernel : struct, IGemmMicroKernel
        {
            int mr = TKernel.Mr;
            int first = b * Block;
            int count = Math.Min(Block, Tiles.Tiles - first);
            int rowFirst = (int)((long)RowTiles * part / Parts), rowLast = (int)((long)RowTiles * (part + 1) / Parts);
            int rows = (rowLast - rowFirst) * mr;
            int channels = G.Channels;
            int elements = WinogradWeight.TileElements;
            float[] v = ArrayPool<float>.Shared.Rent(elements * channels * Block);
            float[] m = ArrayPool<float>.Shared.Rent(elements * rows * Block);
            try
            {
                fixed (float* pv = v, pm = m)
                {
                    if (count < Block)
                    {
                        // The last block's spare columns are multiplied too; zeros keep them finite.
                        new Span<float>(pv, elements * channels * Block).Clear();
                    }

                    Tiles.TransformInput((float*)Planes, first, count, pv, Block);
                    int columnTiles = (count + TKernel.Nr - 1) / TKernel.Nr;
                    for (int e = 0; e < elements; e++)
                    {
                        StridedProduct.Multiply<TKernel>(Weight.Matrices[e], pv + ((nint)e * channels * Block), (int*)Shifts, columnTiles, pm + ((nint)e * rows * Block), Block, rowFirst, rowLast);
                    }

                    int ocFrom = rowFirst * mr, ocTo = Math.Min(G.OutChannels, rowLast * mr);
                    Tiles.TransformOutput(pm, rows, Block, ocFrom, ocTo, first, count, (float*)Bias, y, Relu);
                }
            }
            finally
            {
                ArrayPool<float>.Shared.Return(v);
                ArrayPool<float>.Shared.Return(m);
            }
        }
    }
}
