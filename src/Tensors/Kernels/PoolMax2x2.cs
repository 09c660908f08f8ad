using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace FoolingCluster.Tensors.Kernels;

/// <summary>
/// Max-pooling with 2×2 windows and stride 2, the common case, vectorised in two passes per
/// plane: first the larger of each vertically adjacent pair over the rows that windows use,
/// giving <c>[OH, 2·OW]</c>, then the larger of each horizontally adjacent pair of that.
/// </summary>
/// <remarks>
/// The intermediate rows are exactly 2·OW wide, so the second pass sees one contiguous run of
/// pairs per plane and fills whole vectors even when OW is small (LeNet's 8×8 maps have OW = 4).
/// Even and odd lanes are separated by narrowing 64-bit lanes to their low or high 32 bits.
/// </remarks>
internal static class PoolMax2x2
{
    private const int StackLimit = 1024;

    /// <summary>Pools planes <c>[P,H,W]</c> into <c>[P,H/2,W/2]</c>; see <see cref="PoolKernel.MaxForward"/> (an empty <paramref name="argmax"/> skips the indices).</summary>
    public static void Forward(ReadOnlySpan<float> x, int planes, int height, int width, Span<float> y, Span<int> argmax)
    {
        bool withIndices = !argmax.IsEmpty;
        int outH = height / 2;
        int outW = width / 2;
        int pairs = outH * 2 * outW;
        float[]? rentedValues = null;
        int[]? rentedIndices = null;
        Span<float> values = pairs <= StackLimit ? stackalloc float[StackLimit] : (rentedValues = ArrayPool<float>.Shared.Rent(pairs));
        Span<int> indices = !withIndices ? default : pairs <= StackLimit ? stackalloc int[StackLimit] : (rentedIndices = ArrayPool<int>.Shared.Rent(pairs));
        values = values[..pairs];
        indices = withIndices ? indices[..pairs] : default;
        try
        {
            for (int p = 0; p < planes; p++)
            {
                ReadOnlySpan<float> plane = x.Slice(p * height * width, height * width);
                Span<float> outputs = y.Slice(p * outH * outW, outH * outW);
                for (int oh = 0; oh < outH; oh++)
                {
                    int top = 2 * oh * width;
                    Span<float> rowPairs = values.Slice(oh * 2 * outW, 2 * outW);
                    if (withIndices)
                    {
                        VerticalPairs(plane.Slice(top, 2 * outW), plane.Slice(top + width, 2 * outW), top, width, rowPairs, indices.Slice(oh * 2 * outW, 2 * outW));
                    }
                    else
                    {
                        VerticalMax(plane.Slice(top, 2 * outW), plane.Slice(top + width, 2 * outW), rowPairs);
                    }
                }

                if (withIndices)
                {
                    HorizontalPairs(values, indices, outputs, argmax.Slice(p * outH * outW, outH * outW));
                }
                else
                {
                    HorizontalMax(values, outputs);
                }
            }
        }
        finally
        {
            if (rentedValues is not null)
            {
                ArrayPool<float>.Shared.Return(rentedValues);
            }

            if (rentedIndices is not null)
            {
                ArrayPool<int>.Shared.Return(rentedIndices);
            }
        }
    }

    /// <summary>
    /// <c>y[t] = max(upper[2t], upper[2t+1], lower[2t], lower[2t+1]) + offset</c> for t in
    /// <c>[0, count)</c>: one row of 2×2 windows straight from two rows of a convolution's product
    /// (<see cref="DirectConvKernel"/>), with the same choice on ties and NaN as <see cref="Forward"/>.
    /// With <paramref name="addOffset"/> false nothing is added, so a −0 stays −0 as it does when
    /// the convolution without bias is pooled on its own.
    /// </summary>
    /// <remarks>
    /// A row narrower than a vector's worth of outputs but at least one wide is done in scalar
    /// code; a wider one ends with a vector that overlaps the one before it and rewrites the same
    /// values, so nothing past <c>y[count − 1]</c> or <c>row[2·count − 1]</c> is touched.
    /// </remarks>
    public static unsafe void WindowRow(float* upper, float* lower, float* y, int count, float offset, bool addOffset)
    {
        if (Vector256.IsHardwareAccelerated && count >= Vector256<float>.Count)
        {
            Vector256<float> shift = Vector256.Create(offset);
            for (int t = 0; ; t += Vector256<float>.Count)
            {
                t = Math.Min(t, count - Vector256<float>.Count);
                (Vector256<float> left, Vector256<float> right) = SplitPairs(
                    Higher(Vector256.Load(upper + (2 * t)), Vector256.Load(lower + (2 * t))),
                    Higher(Vector256.Load(upper + (2 * t) + Vector256<float>.Count), Vector256.Load(lower + (2 * t) + Vector256<float>.Count)));
                Vector256<float> window = Higher(left, right);
                Vector256.Store(addOffset ? window + shift : window, y + t);
                if (t + Vector256<float>.Count >= count)
                {
                    return;
                }
            }
        }

        // LeNet's second layer pools rows of 4 windows: scalar comparisons of its unpredictable
        // values mispredicted often enough to cost five times the pooling of vectors.
        if (Vector128.IsHardwareAccelerated && count >= Vector128<float>.Count)
        {
            Vector128<float> shift = Vector128.Create(offset);
            for (int t = 0; ; t += Vector128<float>.Count)
            {
                t = Math.Min(t, count - Vector128<float>.Count);
                Vector128<ulong> m0 = Higher(Vector128.Load(upper + (2 * t)), Vector128.Load(lower + (2 * t))).AsUInt64();
                Vector128<ulong> m1 = Higher(Vector128.Load(upper + (2 * t) + Vector128<float>.Count), Vector128.Load(lower + (2 * t) + Vector128<float>.Count)).AsUInt64();
                Vector128<float> window = Higher(Vector128.Narrow(m0, m1).AsSingle(), Vector128.Narrow(m0 >>> 32, m1 >>> 32).AsSingle());
                Vector128.Store(addOffset ? window + shift : window, y + t);
                if (t + Vector128<float>.Count >= count)
                {
                    return;
                }
            }
        }

        for (int t = 0; t < count; t++)
        {
            float window = Higher(Higher(upper[2 * t], lower[2 * t]), Higher(upper[(2 * t) + 1], lower[(2 * t) + 1]));
            y[t] = addOffset ? window + offset : window;
        }
    }

    /// <summary>The eight adjacent pairs of <paramref name="low"/> then <paramref name="high"/>, split into their first and second members.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static (Vector256<float> First, Vector256<float> Second) SplitPairs(Vector256<float> low, Vector256<float> high) =>
        (Vector256.Narrow(low.AsUInt64(), high.AsUInt64()).AsSingle(), Vector256.Narrow(low.AsUInt64() >>> 32, high.AsUInt64() >>> 32).AsSingle());

    /// <summary>The second where it is larger or NaN, else the first (see <see cref="TakeSecond"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Higher(Vector128<float> first, Vector128<float> second) =>
        Vector128.ConditionalSelect(Vector128.GreaterThan(second, first) | ~Vector128.Equals(second, second), second, first);

    /// <summary>The second where <see cref="TakeSecond"/> says so, else the first.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Higher(Vector256<float> first, Vector256<float> second) =>
        Vector256.ConditionalSelect(TakeSecond(first, second), second, first);

    /// <summary>Scalar <see cref="Higher(Vector256{float}, Vector256{float})"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Higher(float first, float second) => second > first || float.IsNaN(second) ? second : first;

    /// <summary>m[j] = max(upper[j], lower[j]), NaN if either is.</summary>
    private static void VerticalMax(ReadOnlySpan<float> upper, ReadOnlySpan<float> lower, Span<float> m)
    {
        ref float u = ref MemoryMarshal.GetReference(upper);
        ref float l = ref MemoryMarshal.GetReference(lower);
        ref float mr = ref MemoryMarshal.GetReference(m);
        int j = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; j <= upper.Length - Vector256<float>.Count; j += Vector256<float>.Count)
            {
                Vector256<float> a = Vector256.LoadUnsafe(ref u, (nuint)j);
                Vector256<float> b = Vector256.LoadUnsafe(ref l, (nuint)j);
                Vector256.ConditionalSelect(TakeSecond(a, b), b, a).StoreUnsafe(ref mr, (nuint)j);
            }
        }

        for (; j < upper.Length; j++)
        {
            float a = Unsafe.Add(ref u, j);
            float b = Unsafe.Add(ref l, j);
            Unsafe.Add(ref mr, j) = b > a || float.IsNaN(b) ? b : a;
        }
    }

    /// <summary>y[t] = max(m[2t], m[2t+1]), NaN if either is.</summary>
    private static void HorizontalMax(ReadOnlySpan<float> m, Span<float> y)
    {
        ref float mr = ref MemoryMarshal.GetReference(m);
        ref float yr = ref MemoryMarshal.GetReference(y);
        int t = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            const int Count = 8;
            for (; t <= y.Length - Count; t += Count)
            {
                (Vector256<float> left, Vector256<float> right) = SplitPairs(ref mr, t);
                Vector256.ConditionalSelect(TakeSecond(left, right), right, left).StoreUnsafe(ref yr, (nuint)t);
            }
        }

        for (; t < y.Length; t++)
        {
            float a = Unsafe.Add(ref mr, 2 * t);
            float b = Unsafe.Add(ref mr, (2 * t) + 1);
            Unsafe.Add(ref yr, t) = b > a || float.IsNaN(b) ? b : a;
        }
    }

    /// <summary>m[j] = max(upper[j], lower[j]); index[j] = in-plane index of the one taken (upper on ties).</summary>
    private static void VerticalPairs(ReadOnlySpan<float> upper, ReadOnlySpan<float> lower, int upperStart, int width, Span<float> m, Span<int> index)
    {
        ref float u = ref MemoryMarshal.GetReference(upper);
        ref float l = ref MemoryMarshal.GetReference(lower);
        ref float mr = ref MemoryMarshal.GetReference(m);
        ref int ir = ref MemoryMarshal.GetReference(index);
        int j = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<int> lane = Vector256<int>.Indices;
            for (; j <= upper.Length - Vector256<float>.Count; j += Vector256<float>.Count)
            {
                Vector256<float> a = Vector256.LoadUnsafe(ref u, (nuint)j);
                Vector256<float> b = Vector256.LoadUnsafe(ref l, (nuint)j);
                Vector256<float> take = TakeSecond(a, b);
                Vector256.ConditionalSelect(take, b, a).StoreUnsafe(ref mr, (nuint)j);
                Vector256<int> ia = Vector256.Create(upperStart + j) + lane;
                Vector256.ConditionalSelect(take.AsInt32(), ia + Vector256.Create(width), ia).StoreUnsafe(ref ir, (nuint)j);
            }
        }

        for (; j < upper.Length; j++)
        {
            float a = Unsafe.Add(ref u, j);
            float b = Unsafe.Add(ref l, j);
            bool take = b > a || float.IsNaN(b);
            Unsafe.Add(ref mr, j) = take ? b : a;
            Unsafe.Add(ref ir, j) = upperStart + j + (take ? width : 0);
        }
    }

    /// <summary>y[t] = max(m[2t], m[2t+1]) with its index (the left one on ties).</summary>
    private static void HorizontalPairs(ReadOnlySpan<float> m, ReadOnlySpan<int> index, Span<float> y, Span<int> argmax)
    {
        ref float mr = ref MemoryMarshal.GetReference(m);
        ref int ir = ref MemoryMarshal.GetReference(index);
        ref float yr = ref MemoryMarshal.GetReference(y);
        ref int ar = ref MemoryMarshal.GetReference(argmax);
        int t = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            const int Count = 8;
            for (; t <= y.Length - Count; t += Count)
            {
                (Vector256<float> left, Vector256<float> right) = SplitPairs(ref mr, t);
                Vector256<float> take = TakeSecond(left, right);
                Vector256.ConditionalSelect(take, right, left).StoreUnsafe(ref yr, (nuint)t);

                Vector256<ulong> ilo = Vector256.LoadUnsafe(ref ir, (nuint)(2 * t)).AsUInt64();
                Vector256<ulong> ihi = Vector256.LoadUnsafe(ref ir, (nuint)((2 * t) + Count)).AsUInt64();
                Vector256<int> ileft = Vector256.Narrow(ilo, ihi).AsInt32();
                Vector256<int> iright = Vector256.Narrow(ilo >>> 32, ihi >>> 32).AsInt32();
                Vector256.ConditionalSelect(take.AsInt32(), iright, ileft).StoreUnsafe(ref ar, (nuint)t);
            }
        }

        for (; t < y.Length; t++)
        {
            float a = Unsafe.Add(ref mr, 2 * t);
            float b = Unsafe.Add(ref mr, (2 * t) + 1);
            bool take = b > a || float.IsNaN(b);
            Unsafe.Add(ref yr, t) = take ? b : a;
            Unsafe.Add(ref ar, t) = Unsafe.Add(ref ir, (2 * t) + (take ? 1 : 0));
        }
    }

    /// <summary>
    /// The eight adjacent pairs of the sixteen floats from <c>m[2t]</c>, split: their first
    /// members (<c>m[2t], m[2t+2], …</c>) and their second, by narrowing 64-bit lanes to their low
    /// or high 32 bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<float> First, Vector256<float> Second) SplitPairs(ref float m, int t) =>
        SplitPairs(Vector256.LoadUnsafe(ref m, (nuint)(2 * t)), Vector256.LoadUnsafe(ref m, (nuint)((2 * t) + Vector256<float>.Count)));

    /// <summary>Lanes where the second value is taken: it is larger, or NaN (so NaN propagates; ties keep the first).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> TakeSecond(Vector256<float> first, Vector256<float> second) =>
        Vector256.GreaterThan(second, first) | ~Vector256.Equals(second, second);
}
