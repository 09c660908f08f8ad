using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace FoolingCluster.Tensors.Kernels;

/// <summary>
/// A transposed convolution (no padding, square kernel and stride) on channels-last images
/// <c>[N,H,W,C]</c>, computed directly rather than by GEMM and col2im, for the small layers of
/// generative decoders whose inner dimension (8–32 channels) is too short for a GEMM to pay
/// off. The weights are repacked once, at construction.
/// </summary>
/// <remarks>
/// <para>
/// Forward: <c>y[n, s·i+ky, s·j+kx, b] = bias[b] + Σₐ x[n,i,j,a] · w[a,b,ky,kx]</c>, PyTorch's
/// <c>conv_transpose2d</c> with weight <c>[A,B,K,K]</c>. Input gradient:
/// <c>gx[n,i,j,a] = Σ_{ky,kx,b} gy[n, s·i+ky, s·j+kx, b] · w[a,b,ky,kx]</c>.
/// </para>
/// <para>
/// The forward's vectors run along the output channels: with at least 8, each input pixel's A
/// values go through the weights into K output rows of K·B contiguous values; with fewer, each
/// input pixel's products with all K·K·B taps are computed as one vector, a whole input row at a
/// time, and then added into the output pixels the kernel covers. The input gradient's run
/// along the input channels: for each kernel row, K·B contiguous output gradients go through
/// the weights into an input pixel's A values, held in registers over all kernel rows.
/// One pixel at a time, every multiply-add would need its own weight load, so several input
/// pixels are computed together, each weight vector loaded once for all of them (four pixels in the forward with
/// Vector512; four or eight in the input gradient with 8, 16 or 32 input channels).
/// Vector512, else Vector256, else scalar, with scalar tails.
/// </para>
/// </remarks>
public sealed partial class ChannelsLastTransposedConv
{
    // Each weight layout starts at a 64-byte boundary of a pinned array (at the index after
    // its name), so that no vector load of a weight row straddles two cache lines.
    private readonly float[] _overOut; // [A,K,K,B]
    private readonly float[] _overIn;  // [B,K,K,A]
    private readonly float[] _rowsIn;  // [K,K,B,A]
    private readonly int _overOutAt, _overInAt, _rowsInAt;
    private readonly float[] _bias;    // [B]

    // Input pixels whose gradients are computed together.
    private const int Block = 4;

    /// <summary>Repacks the weights.</summary>
    /// <param name="weight">PyTorch layout <c>[A,B,K,K]</c>.</param>
    /// <param name="bias"><c>[B]</c>, or empty for none.</param>
    /// <param name="inChannels">A.</param>
    /// <param name="outChannels">B.</param>
    /// <param name="kernel">K.</param>
    /// <param name="stride">S.</param>
    public ChannelsLastTransposedConv(ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, int inChannels, int outChannels, int kernel, int stride)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inChannels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outChannels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(kernel, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, 1);
        int kk = kernel * kernel;
        if (weight.Length != inChannels * outChannels * kk)
        {
            throw new ShapeMismatchException($"channels-last transposed conv: weight holds {weight.Length} values but [{inChannels},{outChannels},{kernel},{kernel}] needs {inChannels * outChannels * kk}");
        }

        if (!bias.IsEmpty && bias.Length != outChannels)
        {
            throw new ShapeMismatchException($"channels-last transposed conv: bias holds {bias.Length} values but there are {outChannels} output channels");
        }

        InChannels = inChannels;
        OutChannels = outChannels;
        Kernel = kernel;
        Stride = stride;
        _overOut = Aligned(weight.Length, out _overOutAt);
        _overIn = Aligned(weight.Length, out _overInAt);
        _rowsIn = Aligned(weight.Length, out _rowsInAt);
        for (int a = 0; a < inChannels; a++)
        {
            for (int b = 0; b < outChannels; b++)
            {
                for (int k = 0; k < kk; k++)
                {
                    float v = weight[(((a * outChannels) + b) * kk) + k];
                    _overOut[_overOutAt + (((a * kk) + k) * outChannels) + b] = v;
                    _overIn[_overInAt + (((b * kk) + k) * inChannels) + a] = v;
                    _rowsIn[_rowsInAt + (((k * outChannels) + b) * inChannels) + a] = v;
                }
            }
        }

        _bias = bias.IsEmpty ? new float[outChannels] : bias.ToArray();
    }

    /// <summary>A, input channels.</summary>
    public int InChannels { get; }

    /// <summary>B, output channels.</summary>
    public int OutChannels { get; }

    /// <summary>K.</summary>
    public int Kernel { get; }

    /// <summary>S.</summary>
    public int Stride { get; }

    /// <summary>Output side for an input side: <c>(side − 1)·S + K</c>.</summary>
    public int OutSide(int inSide) => ((inSide - 1) * Stride) + Kernel;

    /// <summary>The forward pass, overwriting <paramref name="y"/>.</summary>
    /// <param name="x"><c>[N,H,H,A]</c>.</param>
    /// <param name="batch">N.</param>
    /// <param name="inSide">H.</param>
    /// <param name="y"><c>[N,OH,OH,B]</c>.</param>
    public void Forward(ReadOnlySpan<float> x, int batch, int inSide, Span<float> y)
    {
        int a = InChannels, b = OutChannels, k = Kernel, s = Stride, outSide = OutSide(inSide);
        Check("x", x.Length, batch * inSide * inSide * a);
        Check("y", y.Length, batch * outSide * outSide * b);
        int pixels = batch * inSide * inSide;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        if (b >= 8)
        {
            FillBias(y[..(batch * outSide * outSide * b)]);

            // The K output pixels of a kernel row are contiguous (K·B values), as are each input
            // channel's weights for them, K·K·B apart.
            ref float wr = ref _overOut[_overOutAt];
            int p = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                // Block input pixels at a time (their A values are contiguous) share each weight
                // load; their sums are added into the output one after another, so pixels whose
                // kernels overlap are still added correctly.
                Span<int> at = stackalloc int[Block];
                var corners = new Corners(0, inSide, outSide, s, b);
                for (; p <= pixels - Block; p += Block)
                {
                    for (int r = 0; r < Block; r++)
                    {
                        at[r] = corners.Next();
                    }

                    for (int ky = 0; ky < k; ky++)
                    {
                        AddProductsBlock(ref Unsafe.Add(ref wr, ky * k * b), k * k * b, ref Unsafe.Add(ref xr, p * a), a, ref Unsafe.Add(ref yr, ky * outSide * b), at, k * b);
                    }
                }
            }

            // The pixels left over take the blocks' arithmetic one at a time, so which pixels
            // are left over (which depends on the batch) changes no result.
            var tail = new Corners(p, inSide, outSide, s, b);
            for (; p < pixels; p++)
            {
                int corner = tail.Next();
                for (int ky = 0; ky < k; ky++)
                {
                    int yBase = corner + (ky * outSide * b);
                    if (Vector512.IsHardwareAccelerated)
                    {
                        AddProductsOne(ref Unsafe.Add(ref wr, ky * k * b), k * k * b, ref Unsafe.Add(ref xr, p * a), a, ref Unsafe.Add(ref yr, yBase), k * b);
                    }
                    else
                    {
                        AddProducts(ref Unsafe.Add(ref wr, ky * k * b), k * k * b, ref Unsafe.Add(ref xr, p * a), a, ref Unsafe.Add(ref yr, yBase), k * b);
                    }
                }
            }

            return;
        }

        // Few output channels: each input pixel's products with every tap of the kernel,
        // Σₐ x[a]·w[a,ky,kx,b], are one matrix-vector product of K·K·B values, which are then
        // added into the K×K output pixels the kernel covers.
        int taps = k * k * b, rowTaps = inSide * taps;
        Span<float> t = rowTaps <= 2048 ? stackalloc float[rowTaps] : new float[rowTaps];
        ref float tr = ref MemoryMarshal.GetReference(t);
        ref float wo = ref _overOut[_overOutAt];
        FillBias(y[..(batch * outSide * outSide * b)]);

        // Pixels of one input row less than this far apart reach the same output values.
        int reach = (k + s - 1) / s;
        Span<int> starts = stackalloc int[Block];
        for (int n = 0; n < batch; n++)
        {
            for (int i = 0; i < inSide; i++)
            {
                // The taps of a whole input row first, Block pixels at a time where Vector512
                // lets them share the weight loads.
                t.Clear();
                ref float xRow = ref Unsafe.Add(ref xr, ((n * inSide) + i) * inSide * a);
                int j = 0;
                if (Vector512.IsHardwareAccelerated)
                {
                    for (; j <= inSide - Block; j += Block)
                    {
                        for (int r = 0; r < Block; r++)
                        {
                            starts[r] = (j + r) * taps;
                        }

                        AddProductsBlock(ref wo, taps, ref Unsafe.Add(ref xRow, j * a), a, ref tr, starts, taps);
                    }
                }

                for (; j < inSide; j++)
                {
                    if (Vector512.IsHardwareAccelerated)
                    {
                        AddProductsOne(ref wo, taps, ref Unsafe.Add(ref xRow, j * a), a, ref Unsafe.Add(ref tr, j * taps), taps);
                    }
                    else
                    {
                        AddProducts(ref wo, taps, ref Unsafe.Add(ref xRow, j * a), a, ref Unsafe.Add(ref tr, j * taps), taps);
                    }
                }

                // Then added into the output pixels reach apart in turn, so that no add reads
                // output values the one before it has just stored, which would wait for that
                // store to complete.
                int corner = (((n * outSide) + (s * i)) * outSide) * b;
                for (int phase = 0; phase < reach; phase++)
                {
                    for (int ky = 0; ky < k; ky++)
                    {
                        for (j = phase; j < inSide; j += reach)
                        {
                            Add(ref Unsafe.Add(ref tr, (j * taps) + (ky * k * b)), ref Unsafe.Add(ref yr, corner + (((ky * outSide) + (s * j)) * b)), k * b);
                        }
                    }
                }
            }
        }
    }

    /// <summary>Every output pixel of <paramref name="y"/> set to the bias, by copies of doubling length.</summary>
    private void FillBias(Span<float> y)
    {
        if (_bias.Length == 1)
        {
            y.Fill(_bias[0]);
            return;
        }

        _bias.CopyTo(y);
        for (int done = _bias.Length; done < y.Length; done *= 2)
        {
            y[..Math.Min(done, y.Length - done)].CopyTo(y[done..]);
        }
    }

    /// <summary>The gradient with respect to the input, overwriting <paramref name="gx"/>.</summary>
    /// <param name="gy"><c>[N,OH,OH,B]</c>: gradient with respect to the output.</param>
    /// <param name="batch">N.</param>
    /// <param name="inSide">H.</param>
    /// <param name="gx"><c>[N,H,H,A]</c>.</param>
    public void BackwardData(ReadOnlySpan<float> gy, int batch, int inSide, Span<float> gx)
    {
        int a = InChannels, b = OutChannels, k = Kernel, s = Stride, outSide = OutSide(inSide);
        Check("gy", gy.Length, batch * outSide * outSide * b);
        Check("gx", gx.Length, batch * inSide * inSide * a);
        ref float gyr = ref MemoryMarshal.GetReference(gy);
        ref float gxr = ref MemoryMarshal.GetReference(gx);
        // gx[n,i,j,:] = Σ_ky Σ_(kx,b) gy[n, s·i+ky, s·j+kx, b] · w[:,b,ky,kx]: for each kernel row,
        // the K·B output gradients are contiguous and so are their weight rows of A.
        ref float wr = ref _rowsIn[_rowsInAt];
        int pixels = batch * inSide * inSide;
        bool wide = Vector512.IsHardwareAccelerated && (a == 16 || a == 32);
        int block = a == 16 ? 2 * Block : Block;
        if (pixels > 0 && pixels < block && (wide || (Vector256.IsHardwareAccelerated && a == 8)))
        {
            // Fewer pixels than a block (a small batch of a 1×1 input): the block is filled up
            // with copies of the last pixel and computed into scratch, so these pixels get the
            // blocks' arithmetic too and an image's gradient does not depend on its batch.
            Span<int> padded = stackalloc int[2 * Block];
            var walk = new Corners(0, inSide, outSide, s, b);
            for (int r = 0; r < block; r++)
            {
                padded[r] = r < pixels ? walk.Next() : padded[r - 1];
            }

            Span<float> scratch = stackalloc float[2 * Block * 32];
            ref float g0 = ref MemoryMarshal.GetReference(gy);
            ref float sr = ref MemoryMarshal.GetReference(scratch);
            GatherRows(a, ref wr, ref g0, padded, k, k * b, outSide * b, ref sr);

            scratch[..(pixels * a)].CopyTo(gx);
            return;
        }

        if (pixels >= block && (wide || (Vector256.IsHardwareAccelerated && a == 8)))
        {
            // A block of input pixels (eight with 16 channels, one register each; four otherwise)
            // share each weight row: one load of it serves a multiply-add per pixel. Every pixel's
            // A values stay in registers over all K·K·B terms and are stored once. The last block
            // is moved back to end at the last pixel, recomputing a few; they are overwritten with
            // the same values.
            Span<int> at = stackalloc int[2 * Block];
            var corners = new Corners(0, inSide, outSide, s, b);
            for (int p = 0; p < pixels; p += block)
            {
                int first = Math.Min(p, pixels - block);
                if (first < p)
                {
                    corners = new Corners(first, inSide, outSide, s, b);
                }

                for (int r = 0; r < block; r++)
                {
                    at[r] = corners.Next();
                }

                ref float g = ref MemoryMarshal.GetReference(gy);
                ref float x = ref Unsafe.Add(ref gxr, first * a);
                GatherRows(a, ref wr, ref g, at, k, k * b, outSide * b, ref x);
            }

            return;
        }

        gx.Clear();
        for (int n = 0; n < batch; n++)
        {
            for (int i = 0; i < inSide; i++)
            {
                for (int j = 0; j < inSide; j++)
                {
                    int xBase = (((n * inSide) + i) * inSide + j) * a;
                    for (int ky = 0; ky < k; ky++)
                    {
                        int yBase = ((((n * outSide) + (s * i) + ky) * outSide) + (s * j)) * b;
                        AddProducts(ref Unsafe.Add(ref wr, ky * k * b * a), a, ref Unsafe.Add(ref gyr, yBase), k * b, ref Unsafe.Add(ref gxr, xBase), a);
                    }
                }
            }
        }
    }

    /// <summary>A pinned array with <paramref name="length"/> values from index <paramref name="start"/>, which is 64-byte aligned.</summary>
    private static float[] Aligned(int length, out int start)
    {
        const int Floats = 64 / sizeof(float);
        float[] array = GC.AllocateArray<float>(length + Floats - 1, pinned: true);
        nint address = Marshal.UnsafeAddrOfPinnedArrayElement(array, 0);
        start = (int)((64 - (address & 63)) & 63) / sizeof(float);
        return array;
    }

    /// <summary>
    /// Walks the input pixels in order from a given one, giving for each the offset of the first
    /// output value its kernel reaches, <c>(n, s·i, s·j, 0)</c> in <c>[N,OH,OH,B]</c>, without
    /// dividing per pixel.
    /// </summary>
    private struct Corners
    {
        private readonly int _inSide, _colStep, _rowStep, _imageStep;
        private int _j, _i, _col, _row, _image;

        public Corners(int pixel, int inSide, int outSide, int stride, int outChannels)
        {
            _inSide = inSide;
            _colStep = stride * outChannels;
            _rowStep = stride * outSide * outChannels;
            _imageStep = outSide * outSide * outChannels;
            _j = pixel % inSide;
            _i = pixel / inSide % inSide;
            _image = pixel / (inSide * inSide) * _imageStep;
            _col = _j * _colStep;
            _row = _i * _rowStep;
        }

        public int Next()
        {
            int at = _image + _row + _col;
            if (++_j < _inSide)
            {
                _col += _colStep;
            }
            else if (++_i < _inSide)
            {
                _j = _col = 0;
                _row += _rowStep;
            }
            else
            {
                _j = _col = _i = _row = 0;
                _image += _imageStep;
            }

            return at;
        }
    }

    private static void Check(string name, int actual, int expected)
    {
        if (actual < expected)
        {
            throw new ShapeMismatchException($"channels-last transposed conv: {name} holds {actual} values, fewer than the {expected} its shape needs");
        }
    }
}
