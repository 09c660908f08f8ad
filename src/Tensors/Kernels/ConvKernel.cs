using System.Buffers;
using System.Numerics.Tensors;

namespace FoolingCluster.Tensors.Kernels;

/// <summary>
/// 2-D convolution of a batch <c>[N,C,H,W]</c> with a weight <c>[OC,C,KH,KW]</c> giving
/// <c>[N,OC,OH,OW]</c>, and its two backward products, by im2col and GEMM.
/// </summary>
/// <remarks>
/// Per image, with <c>col</c> the <c>[C·KH·KW, OH·OW]</c> column matrix of <see cref="Im2Col"/>
/// and the weight read as <c>[OC, C·KH·KW]</c>:
/// forward <c>y[n] = W × col(x[n])</c>; backward-data <c>gx[n] = col2im(Wᵀ × gy[n])</c>;
/// backward-weight <c>gW = Σₙ gy[n] × col(x[n])ᵀ</c>. Images are split across workers
/// (<see cref="ConvBatch"/>), each with its own rented column buffer. Transposed convolution
/// is the same three products with roles swapped, so it has no kernel of its own.
/// </remarks>
public static unsafe class ConvKernel
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
    public static void Forward(in ConvGeometry g, ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> y, int threads = 0)
    {
        CheckLength("x", g.Batch * g.ImageSize, x.Length, g);
        CheckLength("weight", g.WeightSize, weight.Length, g);
        if (!bias.IsEmpty)
        {
            CheckLength("bias", g.OutChannels, bias.Length, g);
        }

        CheckLength("y", g.Batch * g.OutImageSize, y.Length, g);
        if (g.Batch == 0)
        {
            return;
        }

        ConvGeometry geo = g;
        int biasLength = bias.Length;
        fixed (float* px = x, pw = weight, pb = bias, py = y)
        {
            nint xp = (nint)px, wp = (nint)pw, bp = (nint)pb, yp = (nint)py;
            ConvBatch.Run(geo.Batch, threads, (_, start, end, gemmThreads) =>
                ForwardImages(geo, At(xp, geo.Batch * geo.ImageSize), At(wp, geo.WeightSize), At(bp, biasLength), At(yp, geo.Batch * geo.OutImageSize), start, end, gemmThreads));
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
    public static void BackwardData(in ConvGeometry g, ReadOnlySpan<float> gy, ReadOnlySpan<float> weight, Span<float> gx, int threads = 0)
    {
        CheckLength("gy", g.Batch * g.OutImageSize, gy.Length, g);
        CheckLength("weight", g.WeightSize, weight.Length, g);
        CheckLength("gx", g.Batch * g.ImageSize, gx.Length, g);
        if (g.Batch == 0)
        {
            return;
        }

        ConvGeometry geo = g;
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
    public static void BackwardWeight(in ConvGeometry g, ReadOnlySpan<float> x, ReadOnlySpan<float> gy, Span<float> gw, int threads = 0)
    {
        CheckLength("x", g.Batch * g.ImageSize, x.Length, g);
        CheckLength("gy", g.Batch * g.OutImageSize, gy.Length, g);
        CheckLength("gw", g.WeightSize, gw.Length, g);
        if (g.Batch == 0)
        {
            gw.Clear();
            return;
        }

        ConvGeometry geo = g;
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

    private static void ForwardImages(in ConvGeometry g, ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> y, int start, int end, int gemmThreads)
    {
        int patch = g.PatchSize;
        int spatial = g.OutSpatial;
        float[]? rented = g.IsPointwise ? null : ArrayPool<float>.Shared.Rent(patch * spatial);
        try
        {
            for (int n = start; n < end; n++)
            {
                ReadOnlySpan<float> image = x.Slice(n * g.ImageSize, g.ImageSize);
                ReadOnlySpan<float> col = image;
                if (rented is not null)
                {
                    Span<float> buffer = rented.AsSpan(0, patch * spatial);
                    Im2Col.Unfold(g, image, buffer);
                    col = buffer;
                }

                Span<float> yn = y.Slice(n * g.OutImageSize, g.OutImageSize);
                float beta = 0f;
                if (!bias.IsEmpty)
                {
                    // Starting the product from the bias saves a second pass over the output.
                    for (int oc = 0; oc < g.OutChannels; oc++)
                    {
                        yn.Slice(oc * spatial, spatial).Fill(bias[oc]);
                    }

                    beta = 1f;
                }

                Gemm.Multiply(false, false, g.OutChannels, spatial, patch, 1f, weight, patch, col, spatial, beta, yn, spatial, gemmThreads);
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<float>.Shared.Return(rented);
            }
        }
    }

    private static void BackwardDataImages(in ConvGeometry g, ReadOnlySpan<float> gy, ReadOnlySpan<float> weight, Span<float> gx, int start, int end, int gemmThreads)
    {
        int patch = g.PatchSize;
        int spatial = g.OutSpatial;
        float[]? rented = g.IsPointwise ? null : ArrayPool<float>.Shared.Rent(patch * spatial);
        try
        {
            for (int n = start; n < end; n++)
            {
                ReadOnlySpan<float> gyn = gy.Slice(n * g.OutImageSize, g.OutImageSize);
                Span<float> gxn = gx.Slice(n * g.ImageSize, g.ImageSize);
                if (rented is null)
                {
                    Gemm.Multiply(true, false, patch, spatial, g.OutChannels, 1f, weight, patch, gyn, spatial, 0f, gxn, spatial, gemmThreads);
                    continue;
                }

                Span<float> col = rented.AsSpan(0, patch * spatial);
                Gemm.Multiply(true, false, patch, spatial, g.OutChannels, 1f, weight, patch, gyn, spatial, 0f, col, spatial, gemmThreads);
                gxn.Clear();
                Im2Col.FoldAdd(g, col, gxn);
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<float>.Shared.Return(rented);
            }
        }
    }

    private static void BackwardWeightImages(in ConvGeometry g, ReadOnlySpan<float> x, ReadOnlySpan<float> gy, Span<float> gw, int start, int end, int gemmThreads)
    {
        int patch = g.PatchSize;
        int spatial = g.OutSpatial;
        float[]? rented = g.IsPointwise ? null : ArrayPool<float>.Shared.Rent(patch * spatial);
        try
        {
            for (int n = start; n < end; n++)
            {
                ReadOnlySpan<float> image = x.Slice(n * g.ImageSize, g.ImageSize);
                ReadOnlySpan<float> col = image;
                if (rented is not null)
                {
                    Span<float> buffer = rented.AsSpan(0, patch * spatial);
                    Im2Col.Unfold(g, image, buffer);
                    col = buffer;
                }

                ReadOnlySpan<float> gyn = gy.Slice(n * g.OutImageSize, g.OutImageSize);
                float beta = n == start ? 0f : 1f;
                Gemm.Multiply(false, true, g.OutChannels, patch, spatial, 1f, gyn, spatial, col, spatial, beta, gw, patch, gemmThreads);
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<float>.Shared.Return(rented);
            }
        }
    }

    private static Span<float> At(nint pointer, int length) => new((void*)pointer, length);

    private static void CheckLength(string name, int expected, int actual, in ConvGeometry g)
    {
        if (expected != actual)
        {
            throw new ArgumentException($"conv kernel: {name} has {actual} floats but {g} needs {expected}");
        }
    }
}
