namespace FoolingCluster.Tensors.Kernels;

/// <summary>
/// Max-pooling over square windows of every plane of <c>[P,H,W]</c> (P = N·C planes), no
/// padding, windows that do not fit dropped (floor mode), giving <c>[P,OH,OW]</c> with
/// OH = (H − k) / s + 1.
/// </summary>
/// <remarks>
/// The forward pass records, for every output, the flat in-plane index <c>ih·W + iw</c> of the
/// input it took, and the backward pass sends each output gradient to that one input. NaN
/// propagates: a window containing NaN yields NaN. Among equal maxima the choice is fixed but
/// unspecified. Planes are split across threads when there is enough work.
/// </remarks>
public static unsafe class PoolKernel
{
    // Below this many input elements the cost of starting workers outweighs the gain.
    private const int ParallelThreshold = 1 << 15;

    /// <summary>Output size along one axis: <c>(size − kernel) / stride + 1</c>.</summary>
    public static int OutSize(int size, int kernel, int stride) => ((size - kernel) / stride) + 1;

    /// <summary>
    /// <c>y[p,oh,ow] = max x[p, oh·s + i, ow·s + j]</c> over <c>0 ≤ i,j &lt; k</c>, overwriting
    /// <paramref name="y"/> and <paramref name="argmax"/>.
    /// </summary>
    /// <param name="x">Input <c>[P,H,W]</c>.</param>
    /// <param name="planes">P.</param>
    /// <param name="height">H.</param>
    /// <param name="width">W.</param>
    /// <param name="kernel">k, window side, at most H and W.</param>
    /// <param name="stride">s.</param>
    /// <param name="y">Output <c>[P,OH,OW]</c>.</param>
    /// <param name="argmax">In-plane index of each maximum, <c>[P,OH,OW]</c>; empty when no backward pass follows, which skips the indices.</param>
    /// <param name="threads">Maximum threads; 0 means <see cref="Engine.Threads"/>.</param>
    public static void MaxForward(ReadOnlySpan<float> x, int planes, int height, int width, int kernel, int stride, Span<float> y, Span<int> argmax, int threads = 0)
    {
        CheckArguments(planes, height, width, kernel, stride);
        int outH = OutSize(height, kernel, stride);
        int outW = OutSize(width, kernel, stride);
        CheckLength("x", planes * height * width, x.Length);
        CheckLength("y", planes * outH * outW, y.Length);
        bool withIndices = !argmax.IsEmpty;
        if (withIndices)
        {
            CheckLength("argmax", planes * outH * outW, argmax.Length);
        }

        fixed (float* px = x, py = y)
        fixed (int* pi = argmax)
        {
            nint xp = (nint)px, yp = (nint)py, ip = (nint)pi;
            ForPlanes(planes, planes * height * width, threads, (first, last) =>
            {
                int inPlane = height * width;
                int outPlane = outH * outW;
                var xs = new ReadOnlySpan<float>((float*)xp + ((nint)first * inPlane), (last - first) * inPlane);
                var ys = new Span<float>((float*)yp + ((nint)first * outPlane), (last - first) * outPlane);
                Span<int> ids = withIndices ? new Span<int>((int*)ip + ((nint)first * outPlane), (last - first) * outPlane) : default;
                if (kernel == 2 && stride == 2)
                {
                    PoolMax2x2.Forward(xs, last - first, height, width, ys, ids);
                }
                else
                {
                    MaxForwardGeneral(xs, last - first, height, width, kernel, stride, ys, ids);
                }
            });
        }
    }

    /// <summary>
    /// <c>gx[p, argmax[p,o]] += gy[p,o]</c> over all outputs o, into a cleared
    /// <paramref name="gx"/>: every input that was no window's maximum gets zero.
    /// </summary>
    /// <param name="gy">Output gradient <c>[P,OH,OW]</c>.</param>
    /// <param name="argmax">Indices from <see cref="MaxForward"/>, <c>[P,OH,OW]</c>.</param>
    /// <param name="planes">P.</param>
    /// <param name="height">H.</param>
    /// <param name="width">W.</param>
    /// <param name="gx">Input gradient <c>[P,H,W]</c>.</param>
    /// <param name="threads">Maximum threads; 0 means <see cref="Engine.Threads"/>.</param>
    public static void MaxBackward(ReadOnlySpan<float> gy, ReadOnlySpan<int> argmax, int planes, int height, int width, Span<float> gx, int threads = 0)
    {
        if (planes < 0 || height < 1 || width < 1)
        {
            throw new ArgumentException($"max-pool backward: invalid sizes [{planes},{height},{width}]");
        }

        CheckLength("gx", planes * height * width, gx.Length);
        CheckLength("argmax", gy.Length, argmax.Length);
        if (planes == 0)
        {
            return;
        }

        if (gy.Length % planes != 0)
        {
            throw new ArgumentException($"max-pool backward: gy of {gy.Length} floats is not {planes} equal planes");
        }

        int outPlane = gy.Length / planes;
        int inPlane = height * width;
        fixed (float* pgy = gy, pgx = gx)
        fixed (int* pi = argmax)
        {
            nint gyp = (nint)pgy, gxp = (nint)pgx, ip = (nint)pi;
            ForPlanes(planes, planes * inPlane, threads, (first, last) =>
            {
                for (int p = first; p < last; p++)
                {
                    var g = new ReadOnlySpan<float>((float*)gyp + ((nint)p * outPlane), outPlane);
                    var ids = new ReadOnlySpan<int>((int*)ip + ((nint)p * outPlane), outPlane);
                    var plane = new Span<float>((float*)gxp + ((nint)p * inPlane), inPlane);
                    plane.Clear();
                    for (int o = 0; o < g.Length; o++)
                    {
                        plane[ids[o]] += g[o];
                    }
                }
            });
        }
    }

    private static void MaxForwardGeneral(ReadOnlySpan<float> x, int planes, int height, int width, int kernel, int stride, Span<float> y, Span<int> argmax)
    {
        int outH = OutSize(height, kernel, stride);
        int outW = OutSize(width, kernel, stride);
        for (int p = 0; p < planes; p++)
        {
            ReadOnlySpan<float> plane = x.Slice(p * height * width, height * width);
            int o = p * outH * outW;
            for (int oh = 0; oh < outH; oh++)
            {
                for (int ow = 0; ow < outW; ow++, o++)
                {
                    int start = (oh * stride * width) + (ow * stride);
                    float best = plane[start];
                    int bestIndex = start;
                    for (int i = 0; i < kernel; i++)
                    {
                        int rowStart = start + (i * width);
                        for (int j = 0; j < kernel; j++)
                        {
                            float v = plane[rowStart + j];
                            if (v > best || float.IsNaN(v))
                            {
                                best = v;
                                bestIndex = rowStart + j;
                            }
                        }
                    }

                    y[o] = best;
                    if (!argmax.IsEmpty)
                    {
                        argmax[o] = bestIndex;
                    }
                }
            }
        }
    }

    private static void ForPlanes(int planes, int work, int threads, Action<int, int> body)
    {
        threads = Math.Min(threads > 0 ? threads : Engine.Threads, planes);
        if (threads <= 1 || work < ParallelThreshold)
        {
            body(0, planes);
            return;
        }

        WorkerTeam.For(threads, threads, k => body((int)((long)planes * k / threads), (int)((long)planes * (k + 1) / threads)));
    }

    private static void CheckArguments(int planes, int height, int width, int kernel, int stride)
    {
        if (planes < 0 || kernel < 1 || stride < 1 || kernel > height || kernel > width)
        {
            throw new ArgumentException($"max-pool: kernel {kernel} stride {stride} does not fit planes [{planes},{height},{width}]");
        }
    }

    private static void CheckLength(string name, int expected, int actual)
    {
        if (expected != actual)
        {
            throw new ArgumentException($"max-pool: {name} has {actual} elements but needs {expected}");
        }
    }
}
