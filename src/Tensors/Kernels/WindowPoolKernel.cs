using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace FoolingCluster.Tensors.Kernels;

/// <summary>
/// Max and average pooling of <c>[P,H,W]</c> for any <see cref="PoolGeometry"/> (rectangular
/// windows, separate strides, asymmetric padding, ceil mode), and their backward passes.
/// </summary>
/// <remarks>
/// Padding never takes part in a maximum: each window is clipped to the image first. NaN
/// propagates as in <see cref="PoolKernel"/>. Average pooling divides by the clipped window's
/// size, or with <c>countIncludePad</c> by the window's size clipped only to the padded input
/// <c>[−pt, H + pb)</c>, as PyTorch does (so a ceil-mode window that overhangs the padding is not
/// divided by cells that lie beyond it). Planes are split across threads when there is enough work.
/// </remarks>
public static unsafe class WindowPoolKernel
{
    /// <summary>
    /// <c>y[p,oh,ow] = max x[p,ih,iw]</c> over the window's inputs inside the image, with the
    /// flat in-plane index <c>ih·W + iw</c> of the maximum in <paramref name="argmax"/>.
    /// </summary>
    /// <param name="g">Sizes.</param>
    /// <param name="x">Input <c>[P,H,W]</c>.</param>
    /// <param name="y">Output <c>[P,OH,OW]</c>, overwritten.</param>
    /// <param name="argmax">
    /// Index of each maximum, <c>[P,OH,OW]</c>, overwritten; feed it to <see cref="PoolKernel.MaxBackward"/>.
    /// Empty when no backward pass will follow: the maxima are then found without branches, several times faster.
    /// </param>
    /// <param name="threads">Maximum threads; 0 means <see cref="Engine.Threads"/>.</param>
    public static void MaxForward(in PoolGeometry g, ReadOnlySpan<float> x, Span<float> y, Span<int> argmax, int threads = 0)
    {
        Check(g, x.Length, y.Length);
        if (!argmax.IsEmpty && argmax.Length != y.Length)
        {
            throw new ArgumentException($"pool: argmax has {argmax.Length} elements but {g} needs {y.Length}");
        }

        PoolGeometry geo = g;
        bool withIndices = !argmax.IsEmpty;
        fixed (float* px = x, py = y)
        fixed (int* pi = argmax)
        {
            nint xp = (nint)px, yp = (nint)py, ip = (nint)pi;
            if (!withIndices && PoolMax3x3Stride2.Applies(geo))
            {
                ParallelRanges.Run(g.Planes, (long)g.Planes * g.OutPlane * 9, threads, (first, last) =>
                {
                    float[] scratch = ArrayPool<float>.Shared.Rent(PoolMax3x3Stride2.RowFloats(geo));
                    fixed (float* row = scratch)
                    {
                        for (int p = first; p < last; p++)
                        {
                            PoolMax3x3Stride2.Plane(geo, (float*)xp + ((nint)p * geo.InPlane), (float*)yp + ((nint)p * geo.OutPlane), row);
                        }
                    }

                    ArrayPool<float>.Shared.Return(scratch);
                });
                return;
            }

            ParallelRanges.Run(g.Planes, (long)g.Planes * g.OutPlane * g.KernelHeight * g.KernelWidth, threads, (first, last) =>
            {
                float[]? buffer = withIndices ? null : ArrayPool<float>.Shared.Rent(new PhasedPlane(PhaseGeometry(geo)).Size);
                try
                {
                    for (int p = first; p < last; p++)
                    {
                        var plane = new ReadOnlySpan<float>((float*)xp + ((nint)p * geo.InPlane), geo.InPlane);
                        var outputs = new Span<float>((float*)yp + ((nint)p * geo.OutPlane), geo.OutPlane);
                        if (buffer is null)
                        {
                            MaxPlane(geo, plane, outputs, new Span<int>((int*)ip + ((nint)p * geo.OutPlane), geo.OutPlane));
                        }
                        else
                        {
                            MaxPlaneValues(geo, plane, outputs, buffer);
                        }
                    }
                }
                finally
                {
                    if (buffer is not null)
                    {
                        ArrayPool<float>.Shared.Return(buffer);
                    }
                }
            });
        }
    }

    /// <summary><c>y[p,oh,ow] = Σ x[p,ih,iw] / divisor</c> over the window's inputs inside the image; see the remarks for the divisor.</summary>
    /// <param name="g">Sizes.</param>
    /// <param name="x">Input <c>[P,H,W]</c>.</param>
    /// <param name="countIncludePad">Divide by the window size including padding (ONNX <c>count_include_pad=1</c>).</param>
    /// <param name="y">Output <c>[P,OH,OW]</c>, overwritten.</param>
    /// <param name="threads">Maximum threads; 0 means <see cref="Engine.Threads"/>.</param>
    public static void AverageForward(in PoolGeometry g, ReadOnlySpan<float> x, bool countIncludePad, Span<float> y, int threads = 0)
    {
        Check(g, x.Length, y.Length);
        PoolGeometry geo = g;
        fixed (float* px = x, py = y)
        {
            nint xp = (nint)px, yp = (nint)py;
            ParallelRanges.Run(g.Planes, (long)g.Planes * g.OutPlane * g.KernelHeight * g.KernelWidth, threads, (first, last) =>
            {
                for (int p = first; p < last; p++)
                {
                    var plane = new ReadOnlySpan<float>((float*)xp + ((nint)p * geo.InPlane), geo.InPlane);
                    var outputs = new Span<float>((float*)yp + ((nint)p * geo.OutPlane), geo.OutPlane);
                    AveragePlane(geo, countIncludePad, plane, outputs);
                }
            });
        }
    }

    /// <summary>The adjoint of <see cref="AverageForward"/>: each input gets <c>gy / divisor</c> from every window it lies in.</summary>
    /// <param name="g">Sizes.</param>
    /// <param name="gy">Output gradient <c>[P,OH,OW]</c>.</param>
    /// <param name="countIncludePad">As in the forward pass.</param>
    /// <param name="gx">Input gradient <c>[P,H,W]</c>, overwritten.</param>
    /// <param name="threads">Maximum threads; 0 means <see cref="Engine.Threads"/>.</param>
    public static void AverageBackward(in PoolGeometry g, ReadOnlySpan<float> gy, bool countIncludePad, Span<float> gx, int threads = 0)
    {
        Check(g, gx.Length, gy.Length);
        PoolGeometry geo = g;
        fixed (float* pgy = gy, pgx = gx)
        {
            nint gyp = (nint)pgy, gxp = (nint)pgx;
            ParallelRanges.Run(g.Planes, (long)g.Planes * g.OutPlane * g.KernelHeight * g.KernelWidth, threads, (first, last) =>
            {
                for (int p = first; p < last; p++)
                {
                    var grads = new ReadOnlySpan<float>((float*)gyp + ((nint)p * geo.OutPlane), geo.OutPlane);
                    var plane = new Span<float>((float*)gxp + ((nint)p * geo.InPlane), geo.InPlane);
                    AverageBackwardPlane(geo, countIncludePad, grads, plane);
                }
            });
        }
    }

    private static void MaxPlane(in PoolGeometry g, ReadOnlySpan<float> plane, Span<float> y, Span<int> argmax)
    {
        // Sizes in locals: the geometry's properties recompute the output size on every read.
        int w = g.Width;
        int outH = g.OutHeight;
        int outW = g.OutWidth;
        int h = g.Height;
        int kh = g.KernelHeight;
        int kw = g.KernelWidth;
        ref float x0 = ref MemoryMarshal.GetReference(plane);
        int o = 0;
        for (int oh = 0; oh < outH; oh++)
        {
            (int h0, int h1) = Clip((oh * g.StrideHeight) - g.PadTop, kh, h);
            for (int ow = 0; ow < outW; ow++, o++)
            {
                (int w0, int w1) = Clip((ow * g.StrideWidth) - g.PadLeft, kw, w);
                int bestIndex = (h0 * w) + w0;
                float best = Unsafe.Add(ref x0, bestIndex);
                for (int ih = h0; ih < h1; ih++)
                {
                    int row = ih * w;
                    for (int iw = w0; iw < w1; iw++)
                    {
                        float v = Unsafe.Add(ref x0, row + iw);
                        if (v > best || (float.IsNaN(v) && !float.IsNaN(best)))
                        {
                            best = v;
                            bestIndex = row + iw;
                        }
                    }
                }

                y[o] = best;
                argmax[o] = bestIndex;
            }
        }
    }

    /// <summary>
    /// <see cref="MaxPlane"/> without the indices, vectorised across output columns: the plane is
    /// copied into a <see cref="PhasedPlane"/> padded with −∞ (so padding never wins), far enough
    /// right and down to hold ceil-mode windows, and each output row is the running
    /// <see cref="Vector256.Max{T}(Vector256{T}, Vector256{T})"/> of KH·KW contiguous loads.
    /// Both that and <see cref="MathF.Max(float, float)"/> propagate NaN.
    /// </summary>
    private static void MaxPlaneValues(in PoolGeometry g, ReadOnlySpan<float> plane, Span<float> y, float[] buffer)
    {
        GeneralConvGeometry phases = PhaseGeometry(g);
        var layout = new PhasedPlane(phases);
        int[] offsets = layout.TapOffsets(phases);
        layout.Fill(plane, buffer, float.NegativeInfinity);
        int outH = g.OutHeight;
        int outW = g.OutWidth;
        int rowStep = g.StrideHeight * layout.PhaseWidth;
        ref float src0 = ref MemoryMarshal.GetArrayDataReference(buffer);
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
                    Vector256<float> best = Vector256.Create(float.NegativeInfinity);
                    foreach (int offset in offsets)
                    {
                        best = Vector256.Max(best, Vector256.LoadUnsafe(ref row, (nuint)(offset + ow)));
                    }

                    best.StoreUnsafe(ref dst, (nuint)ow);
                }
            }

            for (; ow < outW; ow++)
            {
                float best = float.NegativeInfinity;
                foreach (int offset in offsets)
                {
                    best = MathF.Max(best, Unsafe.Add(ref row, offset + ow));
                }

                Unsafe.Add(ref dst, ow) = best;
            }
        }
    }

    /// <summary>
    /// The pooling windows as a one-channel convolution geometry for <see cref="PhasedPlane"/>,
    /// its bottom and right padding grown to cover ceil-mode windows that overhang the padding.
    /// </summary>
    private static GeneralConvGeometry PhaseGeometry(in PoolGeometry g)
    {
        int padBottom = Math.Max(g.PadBottom, ((g.OutHeight - 1) * g.StrideHeight) + g.KernelHeight - g.Height - g.PadTop);
        int padRight = Math.Max(g.PadRight, ((g.OutWidth - 1) * g.StrideWidth) + g.KernelWidth - g.Width - g.PadLeft);
        return new(1, 1, g.Height, g.Width, 1, g.KernelHeight, g.KernelWidth, g.StrideHeight, g.StrideWidth, g.PadTop, g.PadLeft, padBottom, padRight, 1, 1, 1);
    }

    private static void AveragePlane(in PoolGeometry g, bool countIncludePad, ReadOnlySpan<float> plane, Span<float> y)
    {
        int outH = g.OutHeight;
        int outW = g.OutWidth;
        int o = 0;
        for (int oh = 0; oh < outH; oh++)
        {
            (int h0, int h1, int rows) = Rows(g, oh);
            for (int ow = 0; ow < outW; ow++, o++)
            {
                (int w0, int w1, int columns) = Columns(g, ow);
                float sum = 0f;
                for (int ih = h0; ih < h1; ih++)
                {
                    for (int iw = w0; iw < w1; iw++)
                    {
                        sum += plane[(ih * g.Width) + iw];
                    }
                }

                y[o] = sum / Divisor(countIncludePad, h1 - h0, w1 - w0, rows, columns);
            }
        }
    }

    private static void AverageBackwardPlane(in PoolGeometry g, bool countIncludePad, ReadOnlySpan<float> gy, Span<float> plane)
    {
        plane.Clear();
        int outH = g.OutHeight;
        int outW = g.OutWidth;
        int o = 0;
        for (int oh = 0; oh < outH; oh++)
        {
            (int h0, int h1, int rows) = Rows(g, oh);
            for (int ow = 0; ow < outW; ow++, o++)
            {
                (int w0, int w1, int columns) = Columns(g, ow);
                float share = gy[o] / Divisor(countIncludePad, h1 - h0, w1 - w0, rows, columns);
                for (int ih = h0; ih < h1; ih++)
                {
                    for (int iw = w0; iw < w1; iw++)
                    {
                        plane[(ih * g.Width) + iw] += share;
                    }
                }
            }
        }
    }

    /// <summary>Window row <paramref name="oh"/>'s rows inside the image <c>[h0,h1)</c>, and its height clipped only to the padded input.</summary>
    private static (int Begin, int End, int Padded) Rows(in PoolGeometry g, int oh)
    {
        int top = (oh * g.StrideHeight) - g.PadTop;
        (int begin, int end) = Clip(top, g.KernelHeight, g.Height);
        return (begin, end, Math.Min(top + g.KernelHeight, g.Height + g.PadBottom) - top);
    }

    /// <summary>Window column <paramref name="ow"/>'s columns inside the image <c>[w0,w1)</c>, and its width clipped only to the padded input.</summary>
    private static (int Begin, int End, int Padded) Columns(in PoolGeometry g, int ow)
    {
        int left = (ow * g.StrideWidth) - g.PadLeft;
        (int begin, int end) = Clip(left, g.KernelWidth, g.Width);
        return (begin, end, Math.Min(left + g.KernelWidth, g.Width + g.PadRight) - left);
    }

    private static float Divisor(bool countIncludePad, int rows, int columns, int paddedRows, int paddedColumns) =>
        countIncludePad ? paddedRows * paddedColumns : rows * columns;

    /// <summary>The part <c>[max(start, 0), min(start + kernel, size))</c> of a window inside the image.</summary>
    private static (int Begin, int End) Clip(int start, int kernel, int size) => (Math.Max(start, 0), Math.Min(start + kernel, size));

    private static void Check(in PoolGeometry g, int inputLength, int outputLength)
    {
        if (g.Problem() is string problem)
        {
            throw new ArgumentException($"pool: {g}: {problem}");
        }

        if (inputLength != g.Planes * g.InPlane || outputLength != g.Planes * g.OutPlane)
        {
            throw new ArgumentException($"pool: input of {inputLength} and output of {outputLength} floats do not fit {g}");
        }
    }
}
