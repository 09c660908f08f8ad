using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace FoolingCluster.Tensors.Kernels;

/// <summary>
/// Depthwise 2-D convolution (<c>G = C</c>, each filter reads one input channel; MobileNet's
/// 3×3 layers), computed directly with vector multiply-adds rather than by G one-row GEMMs.
/// </summary>
/// <remarks>
/// Output channel <c>oc</c> reads input channel <c>oc / M</c>, where <c>M = OC / C</c> is the
/// channel multiplier (1 in MobileNetV2). Each input plane is first copied into a zero-padded
/// buffer split into <c>sw</c> column phases, <c>phase[r][i, q] = xpad[i, q·sw + r]</c>, so that
/// the inputs a kernel tap <c>(ki,kj)</c> reads for consecutive output columns are consecutive
/// floats of one phase row whatever the stride and dilation: column <c>ow·sw + kj·dw</c> of the
/// padded row is entry <c>ow + ⌊kj·dw / sw⌋</c> of phase <c>(kj·dw) mod sw</c>. The forward pass
/// then keeps a vector of outputs in a register across all KH·KW taps; the backward passes are
/// the same walk with the roles of the arrays exchanged. Planes are split across threads, and
/// the weight gradient is split by channel, so every result is identical from run to run.
/// </remarks>
public static class DepthwiseConvKernel
{
    /// <summary><c>y = conv(x, weight) + bias</c>, overwriting <paramref name="y"/>.</summary>
    /// <param name="g">Sizes; <see cref="GeneralConvGeometry.IsDepthwise"/> must hold.</param>
    /// <param name="x">Input <c>[N,C,H,W]</c>.</param>
    /// <param name="weight">Filters <c>[OC,1,KH,KW]</c>.</param>
    /// <param name="bias">Per-channel offset <c>[OC]</c>, or empty for none.</param>
    /// <param name="y">Output <c>[N,OC,OH,OW]</c>.</param>
    /// <param name="threads">Maximum threads; 0 means <see cref="Engine.Threads"/>.</param>
    public static unsafe void Forward(in GeneralConvGeometry g, ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> y, int threads = 0)
    {
        Check(g, x.Length, weight.Length, y.Length);
        if (!bias.IsEmpty && bias.Length != g.OutChannels)
        {
            throw new ArgumentException($"depthwise conv: bias has {bias.Length} floats but {g} needs {g.OutChannels}");
        }

        var layout = new PhasedPlane(g);
        int multiplier = g.GroupOutChannels;
        int taps = g.KernelHeight * g.KernelWidth;
        bool hasBias = !bias.IsEmpty;
        GeneralConvGeometry geo = g;
        fixed (float* px = x, pw = weight, pb = bias, py = y)
        {
            nint xp = (nint)px, wp = (nint)pw, bp = (nint)pb, yp = (nint)py;
            ParallelRanges.Run(g.Batch * g.Channels, Work(g), threads, (first, last) =>
            {
                float[] buffer = ArrayPool<float>.Shared.Rent(layout.Size);
                int[] offsets = layout.TapOffsets(geo);
                try
                {
                    for (int plane = first; plane < last; plane++)
                    {
                        int n = plane / geo.Channels;
                        int c = plane % geo.Channels;
                        layout.Fill(new ReadOnlySpan<float>((float*)xp + ((nint)plane * geo.Height * geo.Width), geo.Height * geo.Width), buffer, 0f);
                        for (int m = 0; m < multiplier; m++)
                        {
                            int oc = (c * multiplier) + m;
                            var w = new ReadOnlySpan<float>((float*)wp + ((nint)oc * taps), taps);
                            float b = hasBias ? ((float*)bp)[oc] : 0f;
                            var output = new Span<float>((float*)yp + ((((nint)n * geo.OutChannels) + oc) * geo.OutSpatial), geo.OutSpatial);
                            ForwardPlane(geo, layout, buffer, offsets, w, b, output);
                        }
                    }
                }
                finally
                {
                    ArrayPool<float>.Shared.Return(buffer);
                }
            });
        }
    }

    /// <summary>Gradient of the input, <c>gx = ∂L/∂x</c> from <c>gy = ∂L/∂y</c>, overwriting <paramref name="gx"/>.</summary>
    /// <param name="g">Sizes; <see cref="GeneralConvGeometry.IsDepthwise"/> must hold.</param>
    /// <param name="gy">Output gradient <c>[N,OC,OH,OW]</c>.</param>
    /// <param name="weight">Filters <c>[OC,1,KH,KW]</c>.</param>
    /// <param name="gx">Input gradient <c>[N,C,H,W]</c>.</param>
    /// <param name="threads">Maximum threads; 0 means <see cref="Engine.Threads"/>.</param>
    public static unsafe void BackwardData(in GeneralConvGeometry g, ReadOnlySpan<float> gy, ReadOnlySpan<float> weight, Span<float> gx, int threads = 0)
    {
        Check(g, gx.Length, weight.Length, gy.Length);
        var layout = new PhasedPlane(g);
        int multiplier = g.GroupOutChannels;
        int taps = g.KernelHeight * g.KernelWidth;
        GeneralConvGeometry geo = g;
        fixed (float* pgy = gy, pw = weight, pgx = gx)
        {
            nint gyp = (nint)pgy, wp = (nint)pw, gxp = (nint)pgx;
            ParallelRanges.Run(g.Batch * g.Channels, Work(g), threads, (first, last) =>
            {
                float[] buffer = ArrayPool<float>.Shared.Rent(layout.Size);
                int[] offsets = layout.TapOffsets(geo);
                try
                {
                    for (int plane = first; plane < last; plane++)
                    {
                        int n = plane / geo.Channels;
                        int c = plane % geo.Channels;
                        buffer.AsSpan(0, layout.Size).Clear();
                        for (int m = 0; m < multiplier; m++)
                        {
                            int oc = (c * multiplier) + m;
                            var w = new ReadOnlySpan<float>((float*)wp + ((nint)oc * taps), taps);
                            var grad = new ReadOnlySpan<float>((float*)gyp + ((((nint)n * geo.OutChannels) + oc) * geo.OutSpatial), geo.OutSpatial);
                            ScatterPlane(geo, layout, grad, offsets, w, buffer);
                        }

                        layout.Drain(buffer, new Span<float>((float*)gxp + ((nint)plane * geo.Height * geo.Width), geo.Height * geo.Width));
                    }
                }
                finally
                {
                    ArrayPool<float>.Shared.Return(buffer);
                }
            });
        }
    }

    /// <summary>
    /// Gradient of the weight, <c>gW[oc,0,ki,kj] = Σ_{n,oh,ow} gy[n,oc,oh,ow] · x[n, oc/M, oh·sh − pt + ki·dh, ow·sw − pl + kj·dw]</c>,
    /// overwriting <paramref name="gw"/>.
    /// </summary>
    /// <param name="g">Sizes; <see cref="GeneralConvGeometry.IsDepthwise"/> must hold.</param>
    /// <param name="x">Input <c>[N,C,H,W]</c>.</param>
    /// <param name="gy">Output gradient <c>[N,OC,OH,OW]</c>.</param>
    /// <param name="gw">Weight gradient <c>[OC,1,KH,KW]</c>.</param>
    /// <param name="threads">Maximum threads; 0 means <see cref="Engine.Threads"/>.</param>
    public static unsafe void BackwardWeight(in GeneralConvGeometry g, ReadOnlySpan<float> x, ReadOnlySpan<float> gy, Span<float> gw, int threads = 0)
    {
        Check(g, x.Length, gw.Length, gy.Length);
        var layout = new PhasedPlane(g);
        int multiplier = g.GroupOutChannels;
        int taps = g.KernelHeight * g.KernelWidth;
        GeneralConvGeometry geo = g;
        fixed (float* px = x, pgy = gy, pgw = gw)
        {
            nint xp = (nint)px, gyp = (nint)pgy, gwp = (nint)pgw;
            ParallelRanges.Run(g.Channels, Work(g), threads, (first, last) =>
            {
                float[] buffer = ArrayPool<float>.Shared.Rent(layout.Size);
                int[] offsets = layout.TapOffsets(geo);
                double[] sums = new double[multiplier * taps];
                try
                {
                    for (int c = first; c < last; c++)
                    {
                        Array.Clear(sums);
                        for (int n = 0; n < geo.Batch; n++)
                        {
                            layout.Fill(new ReadOnlySpan<float>((float*)xp + ((((nint)n * geo.Channels) + c) * geo.Height * geo.Width), geo.Height * geo.Width), buffer, 0f);
                            for (int m = 0; m < multiplier; m++)
                            {
                                int oc = (c * multiplier) + m;
                                var grad = new ReadOnlySpan<float>((float*)gyp + ((((nint)n * geo.OutChannels) + oc) * geo.OutSpatial), geo.OutSpatial);
                                CorrelatePlane(geo, layout, grad, offsets, buffer, sums.AsSpan(m * taps, taps));
                            }
                        }

                        var target = new Span<float>((float*)gwp + ((nint)c * multiplier * taps), multiplier * taps);
                        for (int i = 0; i < target.Length; i++)
                        {
                            target[i] = (float)sums[i];
                        }
                    }
                }
                finally
                {
                    ArrayPool<float>.Shared.Return(buffer);
                }
            });
        }
    }

    /// <summary>One output plane: <c>y[oh,ow] = b + Σ_t w[t] · phase[offset_t + oh·sh·Wq + ow]</c>.</summary>
    private static void ForwardPlane(in GeneralConvGeometry g, in PhasedPlane layout, float[] buffer, int[] offsets, ReadOnlySpan<float> w, float b, Span<float> y)
    {
        int outW = g.OutWidth;
        int outH = g.OutHeight;
        int taps = offsets.Length;
        int rowStep = g.StrideHeight * layout.PhaseWidth;
        ref float src0 = ref MemoryArrayRef(buffer);
        ref float w0 = ref MemoryMarshal.GetReference(w);
        ref float y0 = ref MemoryMarshal.GetReference(y);
        for (int oh = 0; oh < outH; oh++)
        {
            ref float row = ref Unsafe.Add(ref src0, oh * rowStep);
            ref float dst = ref Unsafe.Add(ref y0, oh * outW);
            int ow = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                for (; ow <= outW - Vector256<float>.Count; ow += Vector256<float>.Count)
                {
                    Vector256<float> acc = Vector256.Create(b);
                    for (int t = 0; t < taps; t++)
                    {
                        acc = Vector256.MultiplyAddEstimate(Vector256.Create(Unsafe.Add(ref w0, t)), Vector256.LoadUnsafe(ref row, (nuint)(offsets[t] + ow)), acc);
                    }

                    acc.StoreUnsafe(ref dst, (nuint)ow);
                }
            }

            for (; ow < outW; ow++)
            {
                float acc = b;
                for (int t = 0; t < taps; t++)
                {
                    acc = float.MultiplyAddEstimate(Unsafe.Add(ref w0, t), Unsafe.Add(ref row, offsets[t] + ow), acc);
                }

                Unsafe.Add(ref dst, ow) = acc;
            }
        }
    }

    /// <summary>The adjoint of <see cref="ForwardPlane"/>: <c>phase[offset_t + oh·sh·Wq + ow] += w[t] · gy[oh,ow]</c>.</summary>
    private static void ScatterPlane(in GeneralConvGeometry g, in PhasedPlane layout, ReadOnlySpan<float> gy, int[] offsets, ReadOnlySpan<float> w, float[] buffer)
    {
        int outW = g.OutWidth;
        int outH = g.OutHeight;
        int rowStep = g.StrideHeight * layout.PhaseWidth;
        ref float dst0 = ref MemoryArrayRef(buffer);
        for (int oh = 0; oh < outH; oh++)
        {
            ref float row = ref Unsafe.Add(ref dst0, oh * rowStep);
            ReadOnlySpan<float> source = gy.Slice(oh * outW, outW);
            for (int t = 0; t < offsets.Length; t++)
            {
                AddScaled(source, w[t], ref Unsafe.Add(ref row, offsets[t]));
            }
        }
    }

    /// <summary><c>sums[t] += Σ_{oh,ow} gy[oh,ow] · phase[offset_t + oh·sh·Wq + ow]</c>.</summary>
    private static void CorrelatePlane(in GeneralConvGeometry g, in PhasedPlane layout, ReadOnlySpan<float> gy, int[] offsets, float[] buffer, Span<double> sums)
    {
        int outW = g.OutWidth;
        int outH = g.OutHeight;
        int rowStep = g.StrideHeight * layout.PhaseWidth;
        ref float src0 = ref MemoryArrayRef(buffer);
        ref float gy0 = ref MemoryMarshal.GetReference(gy);
        for (int t = 0; t < offsets.Length; t++)
        {
            Vector256<float> acc = Vector256<float>.Zero;
            float tail = 0f;
            for (int oh = 0; oh < outH; oh++)
            {
                ref float row = ref Unsafe.Add(ref src0, (oh * rowStep) + offsets[t]);
                ref float grad = ref Unsafe.Add(ref gy0, oh * outW);
                int ow = 0;
                if (Vector256.IsHardwareAccelerated)
                {
                    for (; ow <= outW - Vector256<float>.Count; ow += Vector256<float>.Count)
                    {
                        acc = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref grad, (nuint)ow), Vector256.LoadUnsafe(ref row, (nuint)ow), acc);
                    }
                }

                for (; ow < outW; ow++)
                {
                    tail = float.MultiplyAddEstimate(Unsafe.Add(ref grad, ow), Unsafe.Add(ref row, ow), tail);
                }
            }

            sums[t] += (double)Vector256.Sum(acc) + tail;
        }
    }

    /// <summary><c>dst[i] += scale · source[i]</c>.</summary>
    private static void AddScaled(ReadOnlySpan<float> source, float scale, ref float dst)
    {
        ref float src = ref MemoryMarshal.GetReference(source);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> s = Vector256.Create(scale);
            for (; i <= source.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256.MultiplyAddEstimate(s, Vector256.LoadUnsafe(ref src, (nuint)i), Vector256.LoadUnsafe(ref dst, (nuint)i)).StoreUnsafe(ref dst, (nuint)i);
            }
        }

        for (; i < source.Length; i++)
        {
            Unsafe.Add(ref dst, i) = float.MultiplyAddEstimate(scale, Unsafe.Add(ref src, i), Unsafe.Add(ref dst, i));
        }
    }

    private static ref float MemoryArrayRef(float[] buffer) => ref MemoryMarshal.GetArrayDataReference(buffer);

    /// <summary>Multiply-adds of one pass, to decide whether to start workers.</summary>
    private static long Work(in GeneralConvGeometry g) => (long)g.Batch * g.OutChannels * g.OutSpatial * g.KernelHeight * g.KernelWidth;

    private static void Check(in GeneralConvGeometry g, int imageLength, int weightLength, int outputLength)
    {
        if (!g.IsDepthwise)
        {
            throw new ArgumentException($"depthwise conv: {g} is not depthwise (groups = channels > 1)");
        }

        if (g.Problem() is string why)
        {
            throw new ArgumentException($"depthwise conv: {g}: {why}");
        }

        if (imageLength != g.Batch * g.ImageSize || weightLength != g.WeightSize || outputLength != g.Batch * g.OutImageSize)
        {
            throw new ArgumentException($"depthwise conv: input of {imageLength}, weight of {weightLength} and output of {outputLength} floats do not fit {g}");
        }
    }
}
