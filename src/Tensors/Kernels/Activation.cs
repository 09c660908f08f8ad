using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace FoolingCluster.Tensors.Kernels;

/// <summary>Activation kernels that <see cref="System.Numerics.Tensors.TensorPrimitives"/> lacks, and their derivatives.</summary>
public static class Activation
{
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

    /// <summary>ELU forward: <c>x &gt; 0 ? x : alpha·(eˣ − 1)</c>.</summary>
    public static void Elu(ReadOnlySpan<float> x, float alpha, Span<float> y)
    {
        CheckLengths(x.Length, y.Length, y.Length);
        for (int i = 0; i < x.Length; i++)
        {
            float v = x[i];
            y[i] = v > 0f ? v : alpha * (MathF.Exp(v) - 1f);
        }
    }

    /// <summary>ELU backward: <c>g · (x &gt; 0 ? 1 : y + alpha)</c>.</summary>
    public static void EluBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, float alpha, ReadOnlySpan<float> g, Span<float> gx)
    {
        CheckLengths(x.Length, g.Length, gx.Length);
        for (int i = 0; i < x.Length; i++)
        {
            gx[i] = x[i] > 0f ? g[i] : g[i] * (y[i] + alpha);
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
