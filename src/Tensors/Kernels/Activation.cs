using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace FoolingCluster.Tensors.Kernels;

/// <summary>Activation kernels that <see cref="System.Numerics.Tensors.TensorPrimitives"/> lacks, and their derivatives.</summary>
public static class Activation
{
    /// <summary>
    /// <c>x[i] = max(x[i], 0)</c> in place, the same bits as <c>Functional.Relu</c>: a convolution
    /// applies it to the outputs it has just written, while they are in cache.
    /// </summary>
    public static void ReluInPlace(Span<float> x) => TensorPrimitives.Max(x, 0f, x);

    /// <summary><c>gx[i] = y[i] &gt; 0 ? g[i] : 0</c>, with y the ReLU output.</summary>
    public static void ReluBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> gx)
    {
        CheckLengths(y.Length, g.Length, gx.Length);
        int i = 0;
        ref float yr = ref MemoryMarshal.GetReference(y);
        ref float gr = ref MemoryMarshal.GetReference(g);
        ref float outr = ref MemoryMarshal.GetReference(gx);
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= y.Length - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                Vector512<float> mask = Vector512.GreaterThan(Vector512.LoadUnsafe(ref yr, (nuint)i), Vector512<float>.Zero);
                Vector512.BitwiseAnd(mask, Vector512.LoadUnsafe(ref gr, (nuint)i)).StoreUnsafe(ref outr, (nuint)i);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= y.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> mask = Vector256.GreaterThan(Vector256.LoadUnsafe(ref yr, (nuint)i), Vector256<float>.Zero);
                Vector256.BitwiseAnd(mask, Vector256.LoadUnsafe(ref gr, (nuint)i)).StoreUnsafe(ref outr, (nuint)i);
            }
        }

        for (; i < y.Length; i++)
        {
            Unsafe.Add(ref outr, i) = Unsafe.Add(ref yr, i) > 0f ? Unsafe.Add(ref gr, i) : 0f;
        }
    }

    /// <summary>
    /// ELU forward: <c>x &gt; 0 ? x : alpha·(eˣ − 1)</c>, with the exponential of
    /// <c>min(x, 0)</c> taken in vectorised chunks. NaN stays NaN.
    /// <paramref name="y"/> may be <paramref name="x"/>.
    /// </summary>
    public static void Elu(ReadOnlySpan<float> x, float alpha, Span<float> y)
    {
        CheckLengths(x.Length, y.Length, y.Length);
        Span<float> negative = stackalloc float[256];
        for (int start = 0; start < x.Length; start += negative.Length)
        {
            int n = Math.Min(negative.Length, x.Length - start);
            ReadOnlySpan<float> xs = x.Slice(start, n);
            Span<float> t = negative[..n];
            Span<float> ys = y.Slice(start, n);
            TensorPrimitives.Min(xs, 0f, t);
            TensorPrimitives.Exp(t, t);
            TensorPrimitives.Multiply(t, alpha, t);
            TensorPrimitives.Add(t, -alpha, t);
            SelectPositive(xs, t, ys);
        }
    }

    /// <summary>
    /// ELU with α = 1 and its derivative in one pass: <c>y[i] = max(a[i], 0) + e^min(a[i], 0) − 1</c>,
    /// and <paramref name="a"/> overwritten with <c>e^min(a[i], 0)</c>, which is the derivative
    /// (1 where a &gt; 0). The exponential is <see cref="Exponential"/>'s, which is exactly 1 at 0,
    /// so positive values pass through unchanged.
    /// </summary>
    public static void EluWithDerivative(Span<float> a, Span<float> y)
    {
        CheckLengths(a.Length, y.Length, y.Length);
        int i = 0;
        ref float ar = ref MemoryMarshal.GetReference(a);
        ref float yr = ref MemoryMarshal.GetReference(y);
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= a.Length - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                Vector512<float> v = Vector512.LoadUnsafe(ref ar, (nuint)i);
                Vector512<float> e = Exponential.Exp512(Vector512.Min(v, Vector512<float>.Zero));
                e.StoreUnsafe(ref ar, (nuint)i);
                (Vector512.Max(v, Vector512<float>.Zero) + e - Vector512<float>.One).StoreUnsafe(ref yr, (nuint)i);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= a.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> v = Vector256.LoadUnsafe(ref ar, (nuint)i);
                Vector256<float> e = Exponential.Exp256(Vector256.Min(v, Vector256<float>.Zero));
                e.StoreUnsafe(ref ar, (nuint)i);
                (Vector256.Max(v, Vector256<float>.Zero) + e - Vector256<float>.One).StoreUnsafe(ref yr, (nuint)i);
            }
        }

        for (; i < a.Length; i++)
        {
            float v = Unsafe.Add(ref ar, i);
            float e = Exponential.ExpScalar(MathF.Min(v, 0f));
            Unsafe.Add(ref ar, i) = e;
            Unsafe.Add(ref yr, i) = MathF.Max(v, 0f) + e - 1f;
        }
    }

    /// <summary><c>y[i] = x[i] &gt; 0 ? x[i] : other[i]</c> (NaN in x gives other[i]).</summary>
    private static void SelectPositive(ReadOnlySpan<float> x, ReadOnlySpan<float> other, Span<float> y)
    {
        int i = 0;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float or = ref MemoryMarshal.GetReference(other);
        ref float yr = ref MemoryMarshal.GetReference(y);
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= x.Length - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                Vector512<float> v = Vector512.LoadUnsafe(ref xr, (nuint)i);
                Vector512.ConditionalSelect(Vector512.GreaterThan(v, Vector512<float>.Zero), v, Vector512.LoadUnsafe(ref or, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= x.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> v = Vector256.LoadUnsafe(ref xr, (nuint)i);
                Vector256.ConditionalSelect(Vector256.GreaterThan(v, Vector256<float>.Zero), v, Vector256.LoadUnsafe(ref or, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
            }
        }

        for (; i < x.Length; i++)
        {
            float v = Unsafe.Add(ref xr, i);
            Unsafe.Add(ref yr, i) = v > 0f ? v : Unsafe.Add(ref or, i);
        }
    }

    /// <summary>ELU backward: <c>g · (x &gt; 0 ? 1 : y + alpha)</c>. <paramref name="gx"/> may be <paramref name="g"/>.</summary>
    public static void EluBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, float alpha, ReadOnlySpan<float> g, Span<float> gx)
    {
        CheckLengths(x.Length, g.Length, gx.Length);
        CheckLengths(x.Length, y.Length, gx.Length);
        int i = 0;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        ref float gr = ref MemoryMarshal.GetReference(g);
        ref float outr = ref MemoryMarshal.GetReference(gx);
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<float> a = Vector512.Create(alpha);
            for (; i <= x.Length - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                Vector512<float> positive = Vector512.GreaterThan(Vector512.LoadUnsafe(ref xr, (nuint)i), Vector512<float>.Zero);
                Vector512<float> slope = Vector512.ConditionalSelect(positive, Vector512<float>.One, Vector512.LoadUnsafe(ref yr, (nuint)i) + a);
                (Vector512.LoadUnsafe(ref gr, (nuint)i) * slope).StoreUnsafe(ref outr, (nuint)i);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> a = Vector256.Create(alpha);
            for (; i <= x.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> positive = Vector256.GreaterThan(Vector256.LoadUnsafe(ref xr, (nuint)i), Vector256<float>.Zero);
                Vector256<float> slope = Vector256.ConditionalSelect(positive, Vector256<float>.One, Vector256.LoadUnsafe(ref yr, (nuint)i) + a);
                (Vector256.LoadUnsafe(ref gr, (nuint)i) * slope).StoreUnsafe(ref outr, (nuint)i);
            }
        }

        for (; i < x.Length; i++)
        {
            Unsafe.Add(ref outr, i) = Unsafe.Add(ref xr, i) > 0f ? Unsafe.Add(ref gr, i) : Unsafe.Add(ref gr, i) * (Unsafe.Add(ref yr, i) + alpha);
        }
    }

    /// <summary>Sigmoid backward: <c>g · y · (1 − y)</c>.</summary>
    public static void SigmoidBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> gx)
    {
        CheckLengths(y.Length, g.Length, gx.Length);
        for (int i = 0; i < y.Length; i++)
        {
            gx[i] = g[i] * y[i] * (1f - y[i]);
        }
    }

    /// <summary>Tanh backward: <c>g · (1 − y²)</c>.</summary>
    public static void TanhBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> gx)
    {
        CheckLengths(y.Length, g.Length, gx.Length);
        for (int i = 0; i < y.Length; i++)
        {
            gx[i] = g[i] * (1f - (y[i] * y[i]));
        }
    }

    private static void CheckLengths(int a, int b, int c)
    {
        if (a != b || a != c)
        {
            throw new ArgumentException($"span lengths differ: {a}, {b}, {c}");
        }
    }
}
