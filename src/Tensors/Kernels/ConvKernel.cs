using System.Buffers;
using System.Numerics.Tensors;

namespace FoolingCluster.Tensors.Kernels;

/// <summary>
/// 2-D convolution of a batch <c>[N,C,H,W]</c> with a weight <c>[OC,C/G,KH,KW]</c> giving
/// <c>[N,OC,OH,OW]</c>, and its two backward products, by im2col and GEMM.
/// </summary>
/// <remarks>
/// Per image, with <c>col</c> the <c>[C·KH·KW, OH·OW]</c> column matrix of <see cref="Im2Col"/>
/// and the weight read as <c>[OC, (C/G)·KH·KW]</c>, for each group g (the g-th block of OC/G
/// weight rows and of (C/G)·KH·KW column rows):
/// forward <c>y[n] = W × col(x[n])</c>; backward-data <c>gx[n] = col2im(Wᵀ × gy[n])</c>;
/// backward-weight <c>gW = Σₙ gy[n] × col(x[n])ᵀ</c>. With one group these are single products,
/// exactly as for <see cref="ConvGeometry"/>. Depthwise geometries go to
/// <see cref="DepthwiseConvKernel"/> instead, where each product would have one row.
/// Images are split across workers (<see cref="ConvBatch"/>), each with its own rented column
/// buffer; the forward pass hands them out in pieces that workers claim as they finish. A forward
/// pass whose weight was packed beforehand reads its windows from the padded image in place
/// instead, where that wastes few columns (<see cref="DirectConvKernel"/>). Transposed convolution
/// is the same three products with roles swapped, so it has no kernel of its own.
/// </remarks>
public static unsafe partial class ConvKernel
{
    /// <summary>
    /// <c>y = conv(x, weight) + bias</c>, overwriting <paramref name="y"/>.
    /// </summary>
    /// <param name="g">Sizes.</param>
    /// <param name="x">Input <c>[N,C,H,W]</c>.</param>
    /// <param name="weight">Filters <c>[OC,C,KH,KW]</c>.</param>
    /// <param name="bias">Per-channel offset <c>[OC]</c>, or empty for none.</param>
    /// <param name="y">Output <c>[N,OC,OH,OW]</c>.</param>
    /// <param name="threads">Maximum threads; 0 means <see cref="Engine.Threads"/>.</param>
    public static void Forward(in ConvGeometry g, ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> y, int threads = 0) =>
        Forward(GeneralConvGeometry.From(g), x, weight, bias, y, threads);

    /// <summary>
    /// <c>y = conv(x, weight) + bias</c> for any strides, pads, dilations and groups, overwriting
    /// <paramref name="y"/>. Depthwise geometries (<see cref="GeneralConvGeometry.IsDepthwise"/>) run
    /// <see cref="DepthwiseConvKernel"/>; the rest run im2col and one GEMM per group.
    /// </summary>
    /// <param name="g">Sizes.</param>
    /// <param name="x">Input <c>[N,C,H,W]</c>.</param>
    /// <param name="weight">Filters <c>[OC,C/G,KH,KW]</c>.</param>
    /// <param name="bias">Per-channel offset <c>[OC]</c>, or empty for none.</param>
    /// <param name="y">Output <c>[N,OC,OH,OW]</c>.</param>
    /// <param name="threads">Maximum threads; 0 means <see cref="Engine.Threads"/>.</param>
    public static void Forward(in GeneralConvGeometry g, ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> y, int threads = 0) =>
        Forward(g, x, weight, null, bias, y, threads);

    /// <summary>
    /// As the public overload, with the weight's groups packed beforehand (<see cref="PackWeight"/>)
    /// or null to pack them on the way, and with <paramref name="relu"/> each output then replaced
    /// by <c>max(y, 0)</c>: by the direct kernel as it copies its product out, else per range of
    /// images once they are done.
    /// </summary>
    private static void Forward(in GeneralConvGeometry g, ReadOnlySpan<float> x, ReadOnlySpan<float> weight, GemmPackedA[]? packed, ReadOnlySpan<float> bias, Span<float> y, int threads, bool relu = false)
    {
        CheckLength("weight", g.WeightSize, weight.Length, g);
        CheckOperands(g, x, bias, y, g.Batch * g.OutImageSize);
        if (g.Batch == 0)
        {
            return;
        }

        if (g.IsDepthwise)
        {
            DepthwiseConvKernel.Forward(g, x, weight, bias, y, threads);
            if (relu)
            {
                fixed (float* py = y)
                {
                    nint yp = (nint)py;
                    ParallelRanges.Run(y.Length, y.Length, ConvBatch.Resolve(threads), (first, last) => Activation.ReluInPlace(new Span<float>((float*)yp + first, last - first)));
                }
            }

            return;
        }

        GeneralConvGeometry geo = g;
        int biasLength = bias.Length;
        fixed (float* px = x, pw = weight, pb = bias, py = y)
        {
            nint xp = (nint)px, wp = (nint)pw, bp = (nint)pb, yp = (nint)py;
            if (DirectConvKernel.Applies(geo, packed))
            {
                GemmPackedA direct = packed![0];
                ConvBatch.RunClaimed(geo.Batch, DirectConvKernel.ImagesPerClaim, threads, (_, start, end, gemmThreads) =>
                    DirectConvKernel.Forward(geo, (float*)xp, direct, (float*)bp, (float*)yp, start, end, gemmThreads, relu: relu));
                return;
            }

            ConvBatch.RunClaimed(geo.Batch, ChunkImages(geo), threads, (_, start, end, gemmThreads) =>
            {
                ForwardImages(geo, At(xp, geo.Batch * geo.ImageSize), At(wp, geo.WeightSize), packed, At(bp, biasLength), At(yp, geo.Batch * geo.OutImageSize), start, end, gemmThreads);
                if (relu)
                {
                    Activation.ReluInPlace(new Span<float>((float*)yp + ((nint)start * geo.OutImageSize), (end - start) * geo.OutImageSize));
                }
            });
        }
    }

    /// <summary>
    /// Gradient of the input, <c>gx = ∂L/∂x</c> from <c>gy = ∂L/∂y</c>, overwriting <paramref name="gx"/>.
    /// </summary>
    /// <param name="g">Sizes.</param>
    /// <param name="gy">Output gradient <c>[N,OC,OH,OW]</c>.</param>
    /// <param name="weight">Filters <c>[OC,C,KH,KW]</c>.</param>
    /// <param name="gx">Input gradient <c>[N,C,H,W]</c>.</param>
    /// <param name="threads">Maximum threads; 0 means <see cref="Engine.Threads"/>.</param>
    public static void BackwardData(in ConvGeometry g, ReadOnlySpan<float> gy, ReadOnlySpan<float> weight, Span<float> gx, int threads = 0) =>
        BackwardData(GeneralConvGeometry.From(g), gy, weight, gx, threads);

    /// <summary>
    /// Gradient of the input for any strides, pads, dilations and groups, <c>gx = ∂L/∂x</c> from
    /// <c>gy = ∂L/∂y</c>, overwriting <paramref name="gx"/>.
    /// </summary>
    /// <param name="g">Sizes.</param>
    /// <param name="gy">Output gradient <c>[N,OC,OH,OW]</c>.</param>
    /// <param name="weight">Filters <c>[OC,C/G,KH,KW]</c>.</param>
    /// <param name="gx">Input gradient <c>[N,C,H,W]</c>.</param>
    /// <param name="threads">Maximum threads; 0 means <see cref="Engine.Threads"/>.</param>
    public static void BackwardData(in GeneralConvGeometry g, ReadOnlySpan<float> gy, ReadOnlySpan<float> weight, Span<float> gx, int threads = 0)
    {
        CheckLength("gy", g.Batch * g.OutImageSize, gy.Length, g);
        CheckLength("weight", g.WeightSize, weight.Length, g);
        CheckLength("gx", g.Batch * g.ImageSize, gx.Length, g);
        if (g.Batch == 0)
        {
            return;
        }

        if (g.IsDepthwise)
        {
            DepthwiseConvKernel.BackwardData(g, gy, weight, gx, threads);
            return;
        }

        GeneralConvGeometry geo = g;
        fixed (float* pgy = gy, pw = weight, pgx = gx)
        {
            nint gyp = (nint)pgy, wp = (nint)pw, gxp = (nint)pgx;
            ConvBatch.Run(geo.Batch, threads, (_, start, end, gemmThreads) =>
                BackwardDataImages(geo, At(gyp, geo.Batch * geo.OutImageSize), At(wp, geo.WeightSize), At(gxp, geo.Batch * geo.ImageSize), start, end, gemmThreads));
        }
    }

    /// <summary>
    /// Gradient of the weight, <c>gW = Σₙ gy[n] × col(x[n])ᵀ</c>, overwriting <paramref name="gw"/>.
    /// </summary>
    /// <remarks>
    /// Each worker sums its images into its own buffer and the buffers are added in worker
    /// order, so the result is identical from run to run for a given thread count.
    /// </remarks>
    /// <param name="g">Sizes.</param>
    /// <param name="x">Input <c>[N,C,H,W]</c>.</param>
    /// <param name="gy">Output gradient <c>[N,OC,OH,OW]</c>.</param>
    /// <param name="gw">Weight gradient <c>[OC,C,KH,KW]</c>.</param>
    /// <param name="threads">Maximum threads; 0 means <see cref="Engine.Threads"/>.</param>
    public static void BackwardWeight(in ConvGeometry g, ReadOnlySpan<float> x, ReadOnlySpan<float> gy, Span<float> gw, int threads = 0) =>
        BackwardWeight(GeneralConvGeometry.From(g), x, gy, gw, threads);

    /// <summary>
    /// Gradient of the weight for any strides, pads, dilations and groups, overwriting
    /// <paramref name="gw"/>; identical from run to run for a given thread count.
    /// </summary>
    /// <param name="g">Sizes.</param>
    /// <param name="x">Input <c>[N,C,H,W]</c>.</param>
    /// <param name="gy">Output gradient <c>[N,OC,OH,OW]</c>.</param>
    /// <param name="gw">Weight gradient <c>[OC,C/G,KH,KW]</c>.</param>
    /// <param name="threads">Maximum threads; 0 means <see cref="Engine.Threads"/>.</param>
    public static void BackwardWeight(in GeneralConvGeometry g, ReadOnlySpan<float> x, ReadOnlySpan<float> gy, Span<float> gw, int threads = 0)
    {
        CheckLength("x", g.Batch * g.ImageSize, x.Length, g);
        CheckLength("gy", g.Batch * g.OutImageSize, gy.Length, g);
        CheckLength("gw", g.WeightSize, gw.Length, g);
        if (g.Batch == 0)
        {
            gw.Clear();
            return;
        }

        if (g.IsDepthwise)
        {
            DepthwiseConvKernel.BackwardWeight(g, x, gy, gw, threads);
            return;
        }

        GeneralConvGeometry geo = g;
        int workers = ConvBatch.Workers(g.Batch, threads);
        int weightSize = g.WeightSize;
        float[]? partials = workers > 1 ? ArrayPool<float>.Shared.Rent((workers - 1) * weightSize) : null;
        try
        {
            fixed (float* px = x, pgy = gy, pgw = gw, pp = partials)
            {
                nint xp = (nint)px, gyp = (nint)pgy, gwp = (nint)pgw, partialsp = (nint)pp;
                ConvBatch.Run(geo.Batch, threads, (worker, start, end, gemmThreads) =>
                {
                    Span<float> target = worker == 0 ? At(gwp, weightSize) : At(partialsp + ((nint)(worker - 1) * weightSize * sizeof(float)), weightSize);
                    BackwardWeightImages(geo, At(xp, geo.Batch * geo.ImageSize), At(gyp, geo.Batch * geo.OutImageSize), target, start, end, gemmThreads);
                });
            }

            for (int k = 1; k < workers; k++)
            {
                TensorPrimitives.Add(gw, partials.AsSpan((k - 1) * weightSize, weightSize), gw);
            }
        }
        finally
        {
            if (partials is not null)
            {
                ArrayPool<float>.Shared.Return(partials);
            }
        }
    }

    /// <summary>Gradient of a per-channel bias: <c>gb[c] = Σ_{n,s} gy[n,c,s]</c>, overwriting <paramref name="gb"/>.</summary>
    /// <param name="gy">Output gradient <c>[N,Cb,S]</c> (S = OH·OW).</param>
    /// <param name="batch">N.</param>
    /// <param name="channels">Cb, the bias length.</param>
    /// <param name="spatial">S.</param>
    /// <param name="gb">Bias gradient <c>[Cb]</c>.</param>
    public static void BackwardBias(ReadOnlySpan<float> gy, int batch, int channels, int spatial, Span<float> gb)
    {
        if (gy.Length != batch * channels * spatial || gb.Length != channels)
        {
            throw new ArgumentException($"bias gradient: gy of {gy.Length} and gb of {gb.Length} floats do not fit [{batch},{channels},{spatial}]");
        }

        gb.Clear();
        for (int n = 0; n < batch; n++)
        {
            for (int c = 0; c < channels; c++)
            {
                gb[c] += TensorPrimitives.Sum(gy.Slice(((n * channels) + c) * spatial, spatial));
            }
        }
    }

    /// <summary>Adds a per-channel bias in place: <c>y[n,c,s] += bias[c]</c>.</summary>
    /// <param name="y">Tensor <c>[N,Cb,S]</c>.</param>
    /// <param name="batch">N.</param>
    /// <param name="channels">Cb, the bias length.</param>
    /// <param name="spatial">S.</param>
    /// <param name="bias">Bias <c>[Cb]</c>.</param>
    public static void AddBias(Span<float> y, int batch, int channels, int spatial, ReadOnlySpan<float> bias)
    {
        if (y.Length != batch * channels * spatial || bias.Length != channels)
        {
            throw new ArgumentException($"add bias: y of {y.Length} and bias of {bias.Length} floats do not fit [{batch},{channels},{spatial}]");
        }

        for (int n = 0; n < batch; n++)
        {
            for (int c = 0; c < channels; c++)
            {
                Span<float> run = y.Slice(((n * channels) + c) * spatial, spatial);
                TensorPrimitives.Add(run, bias[c], run);
            }
        }
    }

    /// <summary>
    /// Floats of column matrix one worker covers at a time: 256 KB, which stays in a core's L2
    /// cache beside the GEMM's packed panels between being unfolded and being packed. Images
    /// small enough go several side by side into one <c>[C·KH·KW, chunk·OH·OW]</c> matrix for a
    /// wider product. A budget of 2 MB (a whole L2) made the imported LeNet's forward pass at
    /// batch 256 about a quarter slower (18,000 to 19,600 against 22,000 to 25,000 images/s,
    /// alternating in one process), the matrix being written out of the cache and read back.
    /// Tests lower it to exercise chunk boundaries.
    /// </summary>
    internal static int ColumnBudget { get; set; } = 1 << 16;

    /// <summary>Images per chunk for this geometry: at least one, at most the budget allows.</summary>
    private static int ChunkImages(in GeneralConvGeometry g) => Math.Max(1, ColumnBudget / Math.Max(1, g.ColumnRows * g.OutSpatial));

    /// <summary>
    /// The forward pass over images <c>[start, end)</c>, a chunk of them side by side per product:
    /// per group, <c>prod[g·OCg + oc, j·S + s] = Σ_p W[g·OCg + oc, p] · col[g·Pg + p, j·S + s]</c>,
    /// then <c>y[n0 + j, oc, s] = prod[oc, j·S + s] + bias[oc]</c>. A chunk of one image is its own
    /// <c>[OC, S]</c> product, written into y in place.
    /// </summary>
    /// <remarks>
    /// A product split over threads across its columns (fewer images than threads, more output
    /// positions than channels) unfolds its windows straight into the GEMM's panels
    /// (<see cref="WindowPanels"/>), so each thread unfolds its own columns instead of one
    /// unfolding the whole image while the others wait. Otherwise the chunk is unfolded first
    /// (<see cref="Im2Col"/>): on one thread, whole window rows at a time are cheaper than a
    /// panel's runs, most of all for narrow images (LeNet's 8 to 24 columns); and a product split
    /// across its rows (ResNet's last stages: 512 channels, 49 positions) needs every column on
    /// every thread, which would otherwise each unfold them all.
    /// </remarks>
    private static void ForwardImages(in GeneralConvGeometry g, ReadOnlySpan<float> x, ReadOnlySpan<float> weight, GemmPackedA[]? packed, ReadOnlySpan<float> bias, Span<float> y, int start, int end, int gemmThreads)
    {
        int spatial = g.OutSpatial;
        int chunk = Math.Min(ChunkImages(g), end - start);
        int pg = g.PatchSize;
        int ocg = g.GroupOutChannels;
        // The GEMM splits the larger of its two sides over threads (GemmBlocked.Run).
        bool unfoldFirst = gemmThreads <= 1 || (long)spatial * chunk < ocg;
        nint groupChannels = (nint)g.GroupChannels * g.Height * g.Width;
        float[]? products = chunk > 1 ? ArrayPool<float>.Shared.Rent(g.OutChannels * spatial * chunk) : null;
        float[]? columns = unfoldFirst ? ArrayPool<float>.Shared.Rent(g.ColumnRows * spatial * chunk) : null;
        try
        {
            fixed (float* px = x, pw = weight, py = y, pprod = products)
            {
                for (int n0 = start; n0 < end; n0 += chunk)
                {
                    int count = Math.Min(chunk, end - n0);
                    int ld = count * spatial;
                    float* prod = count == 1 ? py + ((nint)n0 * g.OutImageSize) : pprod;
                    ReadOnlySpan<float> unfolded = unfoldFirst ? UnfoldChunk(g, x, n0, count, columns.AsSpan(0, g.ColumnRows * ld)) : default;
                    fixed (float* pcol = unfolded)
                    {
                        for (int grp = 0; grp < g.Groups; grp++)
                        {
                            float* a = pw + ((nint)grp * ocg * pg);
                            float* c = prod + ((nint)grp * ocg * ld);
                            if (unfoldFirst)
                            {
                                Gemm.MultiplyFrom(packed?[grp], a, ocg, pg, new MatrixPanels(false, pcol + ((nint)grp * pg * ld), ld), ld, c, ld, gemmThreads);
                            }
                            else
                            {
                                var windows = new WindowPanels(g, px + ((nint)n0 * g.ImageSize) + (grp * groupChannels), g.ImageSize, px + x.Length);
                                Gemm.MultiplyFrom(packed?[grp], a, ocg, pg, windows, ld, c, ld, gemmThreads);
                            }
                        }
                    }

                    if (count == 1)
                    {
                        if (!bias.IsEmpty)
                        {
                            AddBias(new Span<float>(prod, g.OutImageSize), 1, g.OutChannels, spatial, bias);
                        }

                        continue;
                    }

                    for (int j = 0; j < count; j++)
                    {
                        Span<float> yn = y.Slice((n0 + j) * g.OutImageSize, g.OutImageSize);
                        for (int c = 0; c < g.OutChannels; c++)
                        {
                            var source = new ReadOnlySpan<float>(prod + ((nint)c * ld) + (j * spatial), spatial);
                            Span<float> target = yn.Slice(c * spatial, spatial);
                            if (bias.IsEmpty)
                            {
                                source.CopyTo(target);
                            }
                            else
                            {
                                TensorPrimitives.Add(source, bias[c], target);
                            }
                        }
                    }
                }
            }
        }
        finally
        {
            if (products is not null)
            {
                ArrayPool<float>.Shared.Return(products);
            }

            if (columns is not null)
            {
                ArrayPool<float>.Shared.Return(columns);
            }
        }
    }

    private static void BackwardDataImages(in GeneralConvGeometry g, ReadOnlySpan<float> gy, ReadOnlySpan<float> weight, Span<float> gx, int start, int end, int gemmThreads)
    {
        GeneralConvGeometry geo = g;
        ForEachChunk(g, start, end, gy, weight, default, gx, (n0, count, col, gyChunk, gy, weight, _, gx) =>
        {
            int ld = count * geo.OutSpatial;
            Gather(geo, gy, n0, count, gyChunk);

            // Per group g: col[g·Pg + p, j·S + s] = Σ_oc W[g·OCg + oc, p] · gy[n0 + j, g·OCg + oc, s],
            // then folded back onto each image.
            int pg = geo.PatchSize;
            int ocg = geo.GroupOutChannels;
            for (int grp = 0; grp < geo.Groups; grp++)
            {
                Gemm.Multiply(true, false, pg, ld, ocg, 1f, weight[(grp * ocg * pg)..], pg, gyChunk[(grp * ocg * ld)..], ld, 0f, col[(grp * pg * ld)..], ld, gemmThreads);
            }

            for (int j = 0; j < count; j++)
            {
                Span<float> gxn = gx.Slice((n0 + j) * geo.ImageSize, geo.ImageSize);
                gxn.Clear();
                Im2Col.FoldAdd(geo, col[(j * geo.OutSpatial)..], gxn, ld);
            }
        });
    }

    private static void BackwardWeightImages(in GeneralConvGeometry g, ReadOnlySpan<float> x, ReadOnlySpan<float> gy, Span<float> gw, int start, int end, int gemmThreads)
    {
        GeneralConvGeometry geo = g;
        ForEachChunk(g, start, end, x, gy, default, gw, (n0, count, col, gyChunk, x, gy, _, gw) =>
        {
            int ld = count * geo.OutSpatial;
            ReadOnlySpan<float> columns = UnfoldChunk(geo, x, n0, count, col);
            Gather(geo, gy, n0, count, gyChunk);

            // Per group g: gW[g·OCg + oc, p] += Σ_{j,s} gy[n0 + j, g·OCg + oc, s] · col[g·Pg + p, j·S + s]
            float beta = n0 == start ? 0f : 1f;
            int pg = geo.PatchSize;
            int ocg = geo.GroupOutChannels;
            for (int grp = 0; grp < geo.Groups; grp++)
            {
                Gemm.Multiply(false, true, ocg, pg, ld, 1f, gyChunk[(grp * ocg * ld)..], ld, columns[(grp * pg * ld)..], ld, beta, gw[(grp * ocg * pg)..], pg, gemmThreads);
            }
        });
    }

    /// <summary>
    /// The column matrix <c>[C·KH·KW, count·S]</c> of images <c>n0 … n0+count−1</c>: unfolded into
    /// <paramref name="col"/>, except a single image under a pointwise kernel, whose column
    /// matrix is the image itself (<c>[C, H·W]</c>) and is read in place.
    /// </summary>
    private static ReadOnlySpan<float> UnfoldChunk(in GeneralConvGeometry g, ReadOnlySpan<float> x, int n0, int count, Span<float> col)
    {
        if (count == 1 && g.IsPointwise)
        {
            return x.Slice(n0 * g.ImageSize, g.ImageSize);
        }

        int ld = count * g.OutSpatial;
        for (int j = 0; j < count; j++)
        {
            Im2Col.Unfold(g, x.Slice((n0 + j) * g.ImageSize, g.ImageSize), col[(j * g.OutSpatial)..], ld);
        }

        return col;
    }

    /// <summary>
    /// Runs <paramref name="body"/> over images <c>[start, end)</c> in chunks, lending it a
    /// column buffer <c>[C·KH·KW, count·S]</c> and an output-sized buffer <c>[OC, count·S]</c>.
    /// </summary>
    private static void ForEachChunk(in GeneralConvGeometry g, int start, int end, ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> c, Span<float> output, ChunkBody body)
    {
        int spatial = g.OutSpatial;
        int chunk = Math.Min(ChunkImages(g), end - start);
        float[] cols = ArrayPool<float>.Shared.Rent(g.ColumnRows * spatial * chunk);
        float[] outputs = ArrayPool<float>.Shared.Rent(g.OutChannels * spatial * chunk);
        try
        {
            for (int n0 = start; n0 < end; n0 += chunk)
            {
                int count = Math.Min(chunk, end - n0);
                body(n0, count, cols.AsSpan(0, g.ColumnRows * count * spatial), outputs.AsSpan(0, g.OutChannels * count * spatial), a, b, c, output);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(cols);
            ArrayPool<float>.Shared.Return(outputs);
        }
    }

    private delegate void ChunkBody(int n0, int count, Span<float> col, Span<float> outChunk, ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> c, Span<float> output);

    /// <summary>
    /// Copies <c>gy[n0 .. n0+count, OC, S]</c> into <c>[OC, count·S]</c>, the layout that
    /// matches a chunk's side-by-side column matrix.
    /// </summary>
    private static void Gather(in GeneralConvGeometry g, ReadOnlySpan<float> gy, int n0, int count, Span<float> target)
    {
        int spatial = g.OutSpatial;
        int oc = g.OutChannels;
        int ld = count * spatial;
        for (int j = 0; j < count; j++)
        {
            ReadOnlySpan<float> gyn = gy.Slice((n0 + j) * g.OutImageSize, g.OutImageSize);
            for (int c = 0; c < oc; c++)
            {
                gyn.Slice(c * spatial, spatial).CopyTo(target.Slice((c * ld) + (j * spatial), spatial));
            }
        }
    }

    private static Span<float> At(nint pointer, int length) => new((void*)pointer, length);

    /// <summary>Checks the lengths of a forward pass's images, bias (empty for none) and output, which holds <paramref name="outputLength"/> floats.</summary>
    private static void CheckOperands(in GeneralConvGeometry g, ReadOnlySpan<float> x, ReadOnlySpan<float> bias, Span<float> y, int outputLength)
    {
        CheckLength("x", g.Batch * g.ImageSize, x.Length, g);
        if (!bias.IsEmpty)
        {
            CheckLength("bias", g.OutChannels, bias.Length, g);
        }

        CheckLength("y", outputLength, y.Length, g);
    }

    private static void CheckLength(string name, int expected, int actual, in GeneralConvGeometry g)
    {
        if (expected != actual)
        {
            throw new ArgumentException($"conv kernel: {name} has {actual} floats but {g} needs {expected}");
        }
    }
}
