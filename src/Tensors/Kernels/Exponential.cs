using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace FoolingCluster.Tensors.Kernels;

/// <summary>
/// A vectorised eˣ for float32, inlined into its loop; CPPN drawing calls it for every
/// Gaussian and bipolar-sigmoid node over every pixel.
/// </summary>
/// <remarks>
/// Method: x is clamped to [−87.3, 88.0] (results from about 1.2e-38 to 1.6e38; beyond, the
/// true value underflows to a subnormal or overflows, which no caller here needs);
/// n = round(x·log₂e), r = x − n·ln 2 with ln 2 in two parts, so |r| ≤ ln2/2; e^r by its
/// Taylor series to r⁶ (relative truncation error below 2e-7); the result is e^r · 2ⁿ with 2ⁿ
/// built from its exponent bits. Relative error below 4e-7. NaN gives NaN.
/// </remarks>
public static class Exponential
{
    private const float Low = -87.3f;
    private const float High = 88.0f;
    private const float Log2E = 1.44269504088896341f;
    private const float Ln2Hi = 0.693145751953125f;
    private const float Ln2Lo = 1.428606765330187045e-6f;
    private const float C2 = 1f / 2f;
    private const float C3 = 1f / 6f;
    private const float C4 = 1f / 24f;
    private const float C5 = 1f / 120f;
    private const float C6 = 1f / 720f;

    /// <summary><c>y[i] = exp(x[i])</c>; <paramref name="y"/> may be <paramref name="x"/>.</summary>
    public static void Exp(ReadOnlySpan<float> x, Span<float> y)
    {
        if (y.Length < x.Length)
        {
            throw new ArgumentException($"destination holds {y.Length} values, source {x.Length}", nameof(y));
        }

        int i = 0;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= x.Length - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                Exp512(Vector512.LoadUnsafe(ref xr, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= x.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Exp256(Vector256.LoadUnsafe(ref xr, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
            }
        }

        for (; i < x.Length; i++)
        {
            Unsafe.Add(ref yr, i) = ExpScalar(Unsafe.Add(ref xr, i));
        }
    }

    /// <summary>The same method for one value (used for tails, so every element is computed alike).</summary>
    public static float ExpScalar(float x)
    {
        if (float.IsNaN(x))
        {
            return x;
        }

        x = Math.Clamp(x, Low, High);
        float n = MathF.Round(x * Log2E);
        float r = MathF.FusedMultiplyAdd(-n, Ln2Hi, x);
        r = MathF.FusedMultiplyAdd(-n, Ln2Lo, r);
        float p = MathF.FusedMultiplyAdd(r, C6, C5);
        p = MathF.FusedMultiplyAdd(p, r, C4);
        p = MathF.FusedMultiplyAdd(p, r, C3);
        p = MathF.FusedMultiplyAdd(p, r, C2);
        p = MathF.FusedMultiplyAdd(p, r, 1f);
        p = MathF.FusedMultiplyAdd(p, r, 1f);
        return p * BitConverter.Int32BitsToSingle(((int)n + 127) << 23);
    }

    // Inlined for the reason given in Sine: out of line, the call costs more than the work.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> Exp512(Vector512<float> x)
    {
        Vector512<float> nan = Vector512.IsNaN(x);
        x = Vector512.Min(Vector512.Max(x, Vector512.Create(Low)), Vector512.Create(High));
        Vector512<float> n = Vector512.Round(x * Log2E);
        Vector512<float> r = Vector512.FusedMultiplyAdd(-n, Vector512.Create(Ln2Hi), x);
        r = Vector512.FusedMultiplyAdd(-n, Vector512.Create(Ln2Lo), r);
        Vector512<float> p = Vector512.FusedMultiplyAdd(r, Vector512.Create(C6), Vector512.Create(C5));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(C4));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(C3));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(C2));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512<float>.One);
        p = Vector512.FusedMultiplyAdd(p, r, Vector512<float>.One);
        Vector512<float> scale = Vector512.ShiftLeft(Vector512.ConvertToInt32(n) + Vector512.Create(127), 23).AsSingle();
        return Vector512.ConditionalSelect(nan, Vector512.Create(float.NaN), p * scale);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> Exp256(Vector256<float> x)
    {
        Vector256<float> nan = Vector256.IsNaN(x);
        x = Vector256.Min(Vector256.Max(x, Vector256.Create(Low)), Vector256.Create(High));
        Vector256<float> n = Vector256.Round(x * Log2E);
        Vector256<float> r = Vector256.FusedMultiplyAdd(-n, Vector256.Create(Ln2Hi), x);
        r = Vector256.FusedMultiplyAdd(-n, Vector256.Create(Ln2Lo), r);
        Vector256<float> p = Vector256.FusedMultiplyAdd(r, Vector256.Create(C6), Vector256.Create(C5));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(C4));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(C3));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(C2));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256<float>.One);
        p = Vector256.FusedMultiplyAdd(p, r, Vector256<float>.One);
        Vector256<float> scale = Vector256.ShiftLeft(Vector256.ConvertToInt32(n) + Vector256.Create(127), 23).AsSingle();
        return Vector256.ConditionalSelect(nan, Vector256.Create(float.NaN), p * scale);
    }
}
