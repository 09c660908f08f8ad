using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace FoolingCluster.Tensors.Kernels;

/// <summary>The vector loops of <see cref="ChannelsLastTransposedConv"/>: register-blocked multiply-adds over rows of weights.</summary>
public sealed partial class ChannelsLastTransposedConv
{
    /// <summary>
    /// <c>y[0..n) += Σ_c x[c] · w[c·stride .. c·stride + n)</c> for c in [0, count): a matrix-vector
    /// product accumulated into y. With Vector512, y is held in registers 64 values at a time
    /// while every c is added, so it is loaded and stored once rather than once per c.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddProducts(ref float w, int stride, ref float x, int count, ref float y, int n)
    {
        if (!Vector512.IsHardwareAccelerated)
        {
            for (int c = 0; c < count; c++)
            {
                Axpy(Unsafe.Add(ref x, c), ref Unsafe.Add(ref w, c * stride), ref y, n);
            }

            return;
        }

        int i = 0;
        for (; i <= n - 64; i += 64)
        {
            Vector512<float> y0 = Vector512.LoadUnsafe(ref y, (nuint)i);
            Vector512<float> y1 = Vector512.LoadUnsafe(ref y, (nuint)(i + 16));
            Vector512<float> y2 = Vector512.LoadUnsafe(ref y, (nuint)(i + 32));
            Vector512<float> y3 = Vector512.LoadUnsafe(ref y, (nuint)(i + 48));
            for (int c = 0; c < count; c++)
            {
                Vector512<float> v = Vector512.Create(Unsafe.Add(ref x, c));
                ref float wc = ref Unsafe.Add(ref w, (c * stride) + i);
                y0 = Vector512.MultiplyAddEstimate(v, Vector512.LoadUnsafe(ref wc), y0);
                y1 = Vector512.MultiplyAddEstimate(v, Vector512.LoadUnsafe(ref wc, 16), y1);
                y2 = Vector512.MultiplyAddEstimate(v, Vector512.LoadUnsafe(ref wc, 32), y2);
                y3 = Vector512.MultiplyAddEstimate(v, Vector512.LoadUnsafe(ref wc, 48), y3);
            }

            y0.StoreUnsafe(ref y, (nuint)i);
            y1.StoreUnsafe(ref y, (nuint)(i + 16));
            y2.StoreUnsafe(ref y, (nuint)(i + 32));
            y3.StoreUnsafe(ref y, (nuint)(i + 48));
        }

        for (; i <= n - 16; i += 16)
        {
            // Four partial sums over alternating c, so successive multiply-adds do not wait on
            // each other.
            Vector512<float> p0 = Vector512.LoadUnsafe(ref y, (nuint)i);
            Vector512<float> p1 = Vector512<float>.Zero, p2 = Vector512<float>.Zero, p3 = Vector512<float>.Zero;
            int c = 0;
            for (; c <= count - 4; c += 4)
            {
                ref float wc = ref Unsafe.Add(ref w, (c * stride) + i);
                p0 = Vector512.MultiplyAddEstimate(Vector512.Create(Unsafe.Add(ref x, c)), Vector512.LoadUnsafe(ref wc), p0);
                p1 = Vector512.MultiplyAddEstimate(Vector512.Create(Unsafe.Add(ref x, c + 1)), Vector512.LoadUnsafe(ref Unsafe.Add(ref wc, stride)), p1);
                p2 = Vector512.MultiplyAddEstimate(Vector512.Create(Unsafe.Add(ref x, c + 2)), Vector512.LoadUnsafe(ref Unsafe.Add(ref wc, 2 * stride)), p2);
                p3 = Vector512.MultiplyAddEstimate(Vector512.Create(Unsafe.Add(ref x, c + 3)), Vector512.LoadUnsafe(ref Unsafe.Add(ref wc, 3 * stride)), p3);
            }

            for (; c < count; c++)
            {
                p0 = Vector512.MultiplyAddEstimate(Vector512.Create(Unsafe.Add(ref x, c)), Vector512.LoadUnsafe(ref Unsafe.Add(ref w, (c * stride) + i)), p0);
            }

            ((p0 + p1) + (p2 + p3)).StoreUnsafe(ref y, (nuint)i);
        }

        for (; i < n; i++)
        {
            float sum = Unsafe.Add(ref y, i);
            for (int c = 0; c < count; c++)
            {
                sum += Unsafe.Add(ref x, c) * Unsafe.Add(ref w, (c * stride) + i);
            }

            Unsafe.Add(ref y, i) = sum;
        }
    }

    /// <summary>
    /// <see cref="AddProducts"/> for <see cref="Block"/> vectors x at once (<paramref name="count"/>
    /// values each, one after another), the r-th added into <c>y[at[r] ..)</c>; each vector of
    /// weights is loaded once for all of them. Vector512 only.
    /// </summary>
    private static void AddProductsBlock(ref float w, int stride, ref float x, int count, ref float y, ReadOnlySpan<int> at, int n)
    {
        ref float x0 = ref x;
        ref float x1 = ref Unsafe.Add(ref x, count);
        ref float x2 = ref Unsafe.Add(ref x, 2 * count);
        ref float x3 = ref Unsafe.Add(ref x, 3 * count);
        int i = 0;
        for (; i <= n - 32; i += 32)
        {
            Vector512<float> a0 = Vector512<float>.Zero, a1 = a0, b0 = a0, b1 = a0, c0 = a0, c1 = a0, d0 = a0, d1 = a0;
            for (int c = 0; c < count; c++)
            {
                ref float wc = ref Unsafe.Add(ref w, (c * stride) + i);
                Vector512<float> lo = Vector512.LoadUnsafe(ref wc);
                Vector512<float> hi = Vector512.LoadUnsafe(ref wc, 16);
                Vector512<float> v0 = Vector512.Create(Unsafe.Add(ref x0, c));
                Vector512<float> v1 = Vector512.Create(Unsafe.Add(ref x1, c));
                Vector512<float> v2 = Vector512.Create(Unsafe.Add(ref x2, c));
                Vector512<float> v3 = Vector512.Create(Unsafe.Add(ref x3, c));
                a0 = Vector512.MultiplyAddEstimate(v0, lo, a0);
                a1 = Vector512.MultiplyAddEstimate(v0, hi, a1);
                b0 = Vector512.MultiplyAddEstimate(v1, lo, b0);
                b1 = Vector512.MultiplyAddEstimate(v1, hi, b1);
                c0 = Vector512.MultiplyAddEstimate(v2, lo, c0);
                c1 = Vector512.MultiplyAddEstimate(v2, hi, c1);
                d0 = Vector512.MultiplyAddEstimate(v3, lo, d0);
                d1 = Vector512.MultiplyAddEstimate(v3, hi, d1);
            }

            AddTo(ref Unsafe.Add(ref y, at[0] + i), a0, a1);
            AddTo(ref Unsafe.Add(ref y, at[1] + i), b0, b1);
            AddTo(ref Unsafe.Add(ref y, at[2] + i), c0, c1);
            AddTo(ref Unsafe.Add(ref y, at[3] + i), d0, d1);
        }

        for (; i <= n - 16; i += 16)
        {
            Vector512<float> a0 = Vector512<float>.Zero, b0 = a0, c0 = a0, d0 = a0;
            for (int c = 0; c < count; c++)
            {
                Vector512<float> wc = Vector512.LoadUnsafe(ref Unsafe.Add(ref w, (c * stride) + i));
                a0 = Vector512.MultiplyAddEstimate(Vector512.Create(Unsafe.Add(ref x0, c)), wc, a0);
                b0 = Vector512.MultiplyAddEstimate(Vector512.Create(Unsafe.Add(ref x1, c)), wc, b0);
                c0 = Vector512.MultiplyAddEstimate(Vector512.Create(Unsafe.Add(ref x2, c)), wc, c0);
                d0 = Vector512.MultiplyAddEstimate(Vector512.Create(Unsafe.Add(ref x3, c)), wc, d0);
            }

            (Vector512.LoadUnsafe(ref y, (nuint)(at[0] + i)) + a0).StoreUnsafe(ref y, (nuint)(at[0] + i));
            (Vector512.LoadUnsafe(ref y, (nuint)(at[1] + i)) + b0).StoreUnsafe(ref y, (nuint)(at[1] + i));
            (Vector512.LoadUnsafe(ref y, (nuint)(at[2] + i)) + c0).StoreUnsafe(ref y, (nuint)(at[2] + i));
            (Vector512.LoadUnsafe(ref y, (nuint)(at[3] + i)) + d0).StoreUnsafe(ref y, (nuint)(at[3] + i));
        }

        for (; i < n; i++)
        {
            for (int r = 0; r < Block; r++)
            {
                ref float xr = ref Unsafe.Add(ref x, r * count);
                float sum = 0f;
                for (int c = 0; c < count; c++)
                {
                    sum += Unsafe.Add(ref xr, c) * Unsafe.Add(ref w, (c * stride) + i);
                }

                Unsafe.Add(ref y, at[r] + i) += sum;
            }
        }
    }

    /// <summary>
    /// <see cref="AddProductsBlock"/> for one vector x, with the very same arithmetic per value
    /// (sums from zero over c in order, then added to y), so that a pixel's result does not
    /// depend on whether it fell in a block: an image gives the same output in any batch.
    /// Vector512 only.
    /// </summary>
    private static void AddProductsOne(ref float w, int stride, ref float x, int count, ref float y, int n)
    {
        int i = 0;
        for (; i <= n - 32; i += 32)
        {
            Vector512<float> a0 = Vector512<float>.Zero, a1 = a0;
            for (int c = 0; c < count; c++)
            {
                ref float wc = ref Unsafe.Add(ref w, (c * stride) + i);
                Vector512<float> v = Vector512.Create(Unsafe.Add(ref x, c));
                a0 = Vector512.MultiplyAddEstimate(v, Vector512.LoadUnsafe(ref wc), a0);
                a1 = Vector512.MultiplyAddEstimate(v, Vector512.LoadUnsafe(ref wc, 16), a1);
            }

            AddTo(ref Unsafe.Add(ref y, i), a0, a1);
        }

        for (; i <= n - 16; i += 16)
        {
            Vector512<float> a0 = Vector512<float>.Zero;
            for (int c = 0; c < count; c++)
            {
                a0 = Vector512.MultiplyAddEstimate(Vector512.Create(Unsafe.Add(ref x, c)), Vector512.LoadUnsafe(ref Unsafe.Add(ref w, (c * stride) + i)), a0);
            }

            (Vector512.LoadUnsafe(ref y, (nuint)i) + a0).StoreUnsafe(ref y, (nuint)i);
        }

        for (; i < n; i++)
        {
            float sum = 0f;
            for (int c = 0; c < count; c++)
            {
                sum += Unsafe.Add(ref x, c) * Unsafe.Add(ref w, (c * stride) + i);
            }

            Unsafe.Add(ref y, i) += sum;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddTo(ref float y, Vector512<float> lo, Vector512<float> hi)
    {
        (Vector512.LoadUnsafe(ref y) + lo).StoreUnsafe(ref y);
        (Vector512.LoadUnsafe(ref y, 16) + hi).StoreUnsafe(ref y, 16);
    }

    /// <summary><c>y[0..n) += alpha · x[0..n)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Axpy(float alpha, ref float x, ref float y, int n)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<float> va = Vector512.Create(alpha);
            for (; i <= n - 16; i += 16)
            {
                Vector512.MultiplyAddEstimate(va, Vector512.LoadUnsafe(ref x, (nuint)i), Vector512.LoadUnsafe(ref y, (nuint)i)).StoreUnsafe(ref y, (nuint)i);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> va = Vector256.Create(alpha);
            for (; i <= n - 8; i += 8)
            {
                Vector256.MultiplyAddEstimate(va, Vector256.LoadUnsafe(ref x, (nuint)i), Vector256.LoadUnsafe(ref y, (nuint)i)).StoreUnsafe(ref y, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref y, i) += alpha * Unsafe.Add(ref x, i);
        }
    }

    /// <summary>The input gradient of a block of pixels with <paramref name="a"/> = 8, 16 or 32 input channels (16 and 32 need Vector512).</summary>
    private static void GatherRows(int a, ref float w, ref float g, ReadOnlySpan<int> at, int k, int rowLength, int rowStride, ref float x)
    {
        switch (a)
        {
            case 16:
                GatherRows16(ref w, ref g, at, k, rowLength, rowStride, ref x);
                break;
            case 32:
                GatherRows32(ref w, ref g, at, k, rowLength, rowStride, ref x);
                break;
            default:
                GatherRows8(ref w, ref g, at, k, rowLength, rowStride, ref x);
                break;
        }
    }

    /// <summary>
    /// The input gradient of eight pixels with 16 input channels:
    /// <c>x[r, 0..16) = Σ_(ky, l) g[at[r] + ky·rowStride + l] · w[(ky·rowLength + l)·16 .. +16)</c>
    /// for l in [0, rowLength), one Vector512 per pixel.
    /// </summary>
    private static void GatherRows16(ref float w, ref float g, ReadOnlySpan<int> at, int k, int rowLength, int rowStride, ref float x)
    {
        Vector512<float> x0 = Vector512<float>.Zero, x1 = x0, x2 = x0, x3 = x0, x4 = x0, x5 = x0, x6 = x0, x7 = x0;
        for (int ky = 0; ky < k; ky++)
        {
            ref float wk = ref Unsafe.Add(ref w, ky * rowLength * 16);
            ref float g0 = ref Unsafe.Add(ref g, at[0] + (ky * rowStride));
            ref float g1 = ref Unsafe.Add(ref g, at[1] + (ky * rowStride));
            ref float g2 = ref Unsafe.Add(ref g, at[2] + (ky * rowStride));
            ref float g3 = ref Unsafe.Add(ref g, at[3] + (ky * rowStride));
            ref float g4 = ref Unsafe.Add(ref g, at[4] + (ky * rowStride));
            ref float g5 = ref Unsafe.Add(ref g, at[5] + (ky * rowStride));
            ref float g6 = ref Unsafe.Add(ref g, at[6] + (ky * rowStride));
            ref float g7 = ref Unsafe.Add(ref g, at[7] + (ky * rowStride));
            for (int l = 0; l < rowLength; l++)
            {
                Vector512<float> wl = Vector512.LoadUnsafe(ref wk, (nuint)(l * 16));
                x0 = Vector512.MultiplyAddEstimate(Vector512.Create(Unsafe.Add(ref g0, l)), wl, x0);
                x1 = Vector512.MultiplyAddEstimate(Vector512.Create(Unsafe.Add(ref g1, l)), wl, x1);
                x2 = Vector512.MultiplyAddEstimate(Vector512.Create(Unsafe.Add(ref g2, l)), wl, x2);
                x3 = Vector512.MultiplyAddEstimate(Vector512.Create(Unsafe.Add(ref g3, l)), wl, x3);
                x4 = Vector512.MultiplyAddEstimate(Vector512.Create(Unsafe.Add(ref g4, l)), wl, x4);
                x5 = Vector512.MultiplyAddEstimate(Vector512.Create(Unsafe.Add(ref g5, l)), wl, x5);
                x6 = Vector512.MultiplyAddEstimate(Vector512.Create(Unsafe.Add(ref g6, l)), wl, x6);
                x7 = Vector512.MultiplyAddEstimate(Vector512.Create(Unsafe.Add(ref g7, l)), wl, x7);
            }
        }

        x0.StoreUnsafe(ref x);
        x1.StoreUnsafe(ref x, 16);
        x2.StoreUnsafe(ref x, 32);
        x3.StoreUnsafe(ref x, 48);
        x4.StoreUnsafe(ref x, 64);
        x5.StoreUnsafe(ref x, 80);
        x6.StoreUnsafe(ref x, 96);
        x7.StoreUnsafe(ref x, 112);
    }

    /// <summary>As <see cref="GatherRows16"/> for <see cref="Block"/> pixels with 32 input channels, two Vector512 per pixel.</summary>
    private static void GatherRows32(ref float w, ref float g, ReadOnlySpan<int> at, int k, int rowLength, int rowStride, ref float x)
    {
        Vector512<float> x0 = Vector512<float>.Zero, x1 = x0, x2 = x0, x3 = x0, x4 = x0, x5 = x0, x6 = x0, x7 = x0;
        for (int ky = 0; ky < k; ky++)
        {
            ref float wk = ref Unsafe.Add(ref w, ky * rowLength * 32);
            ref float g0 = ref Unsafe.Add(ref g, at[0] + (ky * rowStride));
            ref float g1 = ref Unsafe.Add(ref g, at[1] + (ky * rowStride));
            ref float g2 = ref Unsafe.Add(ref g, at[2] + (ky * rowStride));
            ref float g3 = ref Unsafe.Add(ref g, at[3] + (ky * rowStride));
            for (int l = 0; l < rowLength; l++)
            {
                Vector512<float> lo = Vector512.LoadUnsafe(ref wk, (nuint)(l * 32));
                Vector512<float> hi = Vector512.LoadUnsafe(ref wk, (nuint)((l * 32) + 16));
                Vector512<float> v0 = Vector512.Create(Unsafe.Add(ref g0, l));
                Vector512<float> v1 = Vector512.Create(Unsafe.Add(ref g1, l));
                Vector512<float> v2 = Vector512.Create(Unsafe.Add(ref g2, l));
                Vector512<float> v3 = Vector512.Create(Unsafe.Add(ref g3, l));
                x0 = Vector512.MultiplyAddEstimate(v0, lo, x0);
                x1 = Vector512.MultiplyAddEstimate(v0, hi, x1);
                x2 = Vector512.MultiplyAddEstimate(v1, lo, x2);
                x3 = Vector512.MultiplyAddEstimate(v1, hi, x3);
                x4 = Vector512.MultiplyAddEstimate(v2, lo, x4);
                x5 = Vector512.MultiplyAddEstimate(v2, hi, x5);
                x6 = Vector512.MultiplyAddEstimate(v3, lo, x6);
                x7 = Vector512.MultiplyAddEstimate(v3, hi, x7);
            }
        }

        x0.StoreUnsafe(ref x);
        x1.StoreUnsafe(ref x, 16);
        x2.StoreUnsafe(ref x, 32);
        x3.StoreUnsafe(ref x, 48);
        x4.StoreUnsafe(ref x, 64);
        x5.StoreUnsafe(ref x, 80);
        x6.StoreUnsafe(ref x, 96);
        x7.StoreUnsafe(ref x, 112);
    }

    /// <summary>As <see cref="GatherRows16"/> for <see cref="Block"/> pixels with 8 input channels, one Vector256 per pixel.</summary>
    private static void GatherRows8(ref float w, ref float g, ReadOnlySpan<int> at, int k, int rowLength, int rowStride, ref float x)
    {
        Vector256<float> x0 = Vector256<float>.Zero, x1 = x0, x2 = x0, x3 = x0;
        for (int ky = 0; ky < k; ky++)
        {
            ref float wk = ref Unsafe.Add(ref w, ky * rowLength * 8);
            ref float g0 = ref Unsafe.Add(ref g, at[0] + (ky * rowStride));
            ref float g1 = ref Unsafe.Add(ref g, at[1] + (ky * rowStride));
            ref float g2 = ref Unsafe.Add(ref g, at[2] + (ky * rowStride));
            ref float g3 = ref Unsafe.Add(ref g, at[3] + (ky * rowStride));
            for (int l = 0; l < rowLength; l++)
            {
                Vector256<float> wl = Vector256.LoadUnsafe(ref wk, (nuint)(l * 8));
                x0 = Vector256.MultiplyAddEstimate(Vector256.Create(Unsafe.Add(ref g0, l)), wl, x0);
                x1 = Vector256.MultiplyAddEstimate(Vector256.Create(Unsafe.Add(ref g1, l)), wl, x1);
                x2 = Vector256.MultiplyAddEstimate(Vector256.Create(Unsafe.Add(ref g2, l)), wl, x2);
                x3 = Vector256.MultiplyAddEstimate(Vector256.Create(Unsafe.Add(ref g3, l)), wl, x3);
            }
        }

        x0.StoreUnsafe(ref x);
        x1.StoreUnsafe(ref x, 8);
        x2.StoreUnsafe(ref x, 16);
        x3.StoreUnsafe(ref x, 24);
    }

    /// <summary><c>y[0..n) += x[0..n)</c>, for the short rows of the few-output-channel forward.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Add(ref float x, ref float y, int n)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= n - 8; i += 8)
            {
                (Vector256.LoadUnsafe(ref x, (nuint)i) + Vector256.LoadUnsafe(ref y, (nuint)i)).StoreUnsafe(ref y, (nuint)i);
            }
        }

        if (Vector128.IsHardwareAccelerated)
        {
            for (; i <= n - 4; i += 4)
            {
                (Vector128.LoadUnsafe(ref x, (nuint)i) + Vector128.LoadUnsafe(ref y, (nuint)i)).StoreUnsafe(ref y, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref y, i) += Unsafe.Add(ref x, i);
        }
    }
}
