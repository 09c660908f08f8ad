namespace FoolingCluster.Tensors.Kernels;

/// <summary>The forward convolution with its weight packed once for many calls.</summary>
public static unsafe partial class ConvKernel
{
    /// <summary>
    /// The weight of a convolution as <see cref="Forward(in GeneralConvGeometry, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int)"/>
    /// reads it, <c>[OC, (C/G)·KH·KW]</c> per group, packed into the GEMM's micro-panels: one
    /// <c>[OC/G, (C/G)·KH·KW]</c> matrix per group. Null for a depthwise geometry, which does not
    /// run a GEMM.
    /// </summary>
    /// <param name="g">Sizes; only the channels, kernel and groups matter.</param>
    /// <param name="weight">Filters <c>[OC,C/G,KH,KW]</c>; copied, so later changes to it are not seen.</param>
    internal static GemmPackedA[]? PackWeight(in GeneralConvGeometry g, ReadOnlySpan<float> weight)
    {
        CheckLength("weight", g.WeightSize, weight.Length, g);
        if (g.IsDepthwise)
        {
            return null;
        }

        int pg = g.PatchSize;
        int ocg = g.GroupOutChannels;
        var groups = new GemmPackedA[g.Groups];
        for (int grp = 0; grp < g.Groups; grp++)
        {
            groups[grp] = GemmPackedA.Pack(weight.Slice(grp * ocg * pg, ocg * pg), pg, ocg, pg);
        }

        return groups;
    }

    /// <summary>
    /// <c>y = conv(x, weight) + bias</c> as the unpacked overload, with the weight's groups packed by
    /// <see cref="PackWeight"/> from the same weight; the result is the same as the unpacked path's
    /// up to the order of the sums in products small enough to skip packing.
    /// </summary>
    /// <param name="g">Sizes.</param>
    /// <param name="x">Input <c>[N,C,H,W]</c>.</param>
    /// <param name="weight">Filters <c>[OC,C/G,KH,KW]</c> (read only by a depthwise geometry).</param>
    /// <param name="packed">The packed weight, or null for a depthwise geometry.</param>
    /// <param name="bias">Per-channel offset <c>[OC]</c>, or empty for none.</param>
    /// <param name="y">Output <c>[N,OC,OH,OW]</c>.</param>
    /// <param name="threads">Maximum threads; 0 means <see cref="Engine.Threads"/>.</param>
    /// <param name="relu">Whether each output is then replaced by <c>max(y, 0)</c>, the same bits as a ReLU after the convolution.</param>
    internal static void ForwardPacked(in GeneralConvGeometry g, ReadOnlySpan<float> x, ReadOnlySpan<float> weight, GemmPackedA[]? packed, ReadOnlySpan<float> bias, Span<float> y, int threads = 0, bool relu = false)
    {
        if (packed is not null && (packed.Length != g.Groups || packed[0].M != g.GroupOutChannels || packed[0].K != g.PatchSize))
        {
            throw new ArgumentException($"conv kernel: the packed weight does not fit {g}", nameof(packed));
        }

        Forward(g, x, weight, packed, bias, y, threads, relu);
    }

    /// <summary>
    /// <c>y = conv(x, weight) + bias</c> for a geometry that <see cref="WinogradConvKernel.Applies"/>
    /// to, by F(2×2, 3×3) with the weight transformed beforehand; the result agrees with the direct
    /// product to float rounding.
    /// </summary>
    /// <param name="g">Sizes.</param>
    /// <param name="x">Input <c>[N,C,H,W]</c>.</param>
    /// <param name="weight">The weight transformed by <see cref="WinogradWeight.Pack(ReadOnlySpan{float}, int, int)"/>.</param>
    /// <param name="bias">Per-channel offset <c>[OC]</c>, or empty for none.</param>
    /// <param name="y">Output <c>[N,OC,OH,OW]</c>.</param>
    /// <param name="threads">Maximum threads; 0 means <see cref="Engine.Threads"/>.</param>
    /// <param name="relu">Whether each output is then replaced by <c>max(y, 0)</c> as it is written.</param>
    internal static void ForwardWinograd(in GeneralConvGeometry g, ReadOnlySpan<float> x, WinogradWeight weight, ReadOnlySpan<float> bias, Span<float> y, int threads = 0, bool relu = false)
    {
        if (!WinogradConvKernel.Applies(g, weight.Kind) || weight.OutChannels != g.OutChannels || weight.Channels != g.Channels)
        {
            throw new ArgumentException($"conv kernel: the Winograd weight does not fit {g}", nameof(weight));
        }

        CheckOperands(g, x, bias, y, g.Batch * g.OutImageSize);
        GeneralConvGeometry geo = g;
        fixed (float* px = x, pb = bias, py = y)
        {
            nint xp = (nint)px, bp = (nint)pb, yp = (nint)py;
            ConvBatch.RunClaimed(geo.Batch, 1, threads, (_, start, end, imageThreads) =>
                WinogradConvKernel.Forward(geo, (float*)xp, weight, (float*)bp, (float*)yp, start, end, imageThreads, relu));
        }
    }

    /// <summary>
    /// <c>y = maxpool₂ₓ₂(conv(x, weight) + bias)</c>, the 2×2 max pooling at stride 2 taken as the
    /// product is copied out (<see cref="DirectConvKernel"/>), so the convolution's own output is
    /// never written; the same bits as the convolution followed by the pooling.
    /// </summary>
    /// <param name="g">Sizes; <see cref="DirectConvKernel.Applies"/> must hold for <paramref name="packed"/>, and OH and OW be at least 2.</param>
    /// <param name="x">Input <c>[N,C,H,W]</c>.</param>
    /// <param name="packed">The weight packed by <see cref="PackWeight"/>.</param>
    /// <param name="bias">Per-channel offset <c>[OC]</c>, or empty for none.</param>
    /// <param name="y">Output <c>[N,OC,⌊OH/2⌋,⌊OW/2⌋]</c>.</param>
    /// <param name="threads">Maximum threads; 0 means <see cref="Engine.Threads"/>.</param>
    internal static void ForwardPooled(in GeneralConvGeometry g, ReadOnlySpan<float> x, GemmPackedA[] packed, ReadOnlySpan<float> bias, Span<float> y, int threads = 0)
    {
        if (!DirectConvKernel.Applies(g, packed) || g.OutHeight < 2 || g.OutWidth < 2)
        {
            throw new ArgumentException($"conv kernel: {g} cannot be pooled as it is copied out", nameof(packed));
        }

        CheckOperands(g, x, bias, y, g.Batch * g.OutChannels * (g.OutHeight / 2) * (g.OutWidth / 2));
        GeneralConvGeometry geo = g;
        GemmPackedA weight = packed[0];
        fixed (float* px = x, pb = bias, py = y)
        {
            nint xp = (nint)px, bp = (nint)pb, yp = (nint)py;
            ConvBatch.RunClaimed(geo.Batch, DirectConvKernel.ImagesPerClaim, threads, (_, start, end, imageThreads) =>
                DirectConvKernel.Forward(geo, (float*)xp, weight, (float*)bp, (float*)yp, start, end, imageThreads, pool: true));
        }
    }
}
