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
        if (argmax.IsEmpty)
        {
            ForwardValues(x, planes, height, width, y);
            return;
        }

        int outH = height / 2;
        int outW = width / 2;
        int pairs = outH * 2 * outW;
        float[]? rentedValues = null;
        int[]? rentedIndices = null;
        Span<float> values = pairs <= StackLimit ? stackalloc float[StackLimit] : (rentedValues = ArrayPool<float>.Shared.Rent(pairs));
        Span<int> indices = pairs <= StackLimit ? stackalloc int[StackLimit] : (rentedIndices = ArrayPool<int>.Shared.Rent(pairs));
        values = values[..pairs];
        indices = indices[..pairs];
        try
        {
            for (int p = 0; p < planes; p++)
            {
                ReadOnlySpan<float> plane = x.Slice(p * height * width, height * width);
                for (int oh = 0; oh < outH; oh++)
                {
                    int top = 2 * oh * width;
                    VerticalPairs(plane.Slice(top, 2 * outW), plane.Slice(top + width, 2 * outW), top, width, values.Slice(oh * 2 * outW, 2 * outW), indices.Slice(oh * 2 * outW, 2 * outW));
                }

                HorizontalPairs(values, indices, y.Slice(p * outH * outW, outH * outW), argmax.Slice(p * outH * outW, outH * outW));
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

    /// <summary>The two passes without indices, for a forward pass that no backward pass follows.</summary>
    private static void ForwardValues(ReadOnlySpan<float> x, int planes, int height, int width, Span<float> y)
    {
        int outH = height / 2;
        int outW = width / 2;
        int pairs = outH * 2 * outW;
        float[]? rented = null;
        Span<float> values = pairs <= StackLimit ? stackalloc float[StackLimit] : (rented = ArrayPool<float>.Shared.Rent(pairs));
        values = values[..pairs];
        try
        {
            for (int p = 0; p < planes; p++)
            {
                ReadOnlySpan<float> plane = x.Slice(p * height * width, height * width);
                for (int oh = 0; oh < outH; oh++)
                {
                    int top = 2 * oh * width;
                    VerticalMax(plane.Slice(top, 2 * outW), plane.Slice(top + width, 2 * outW), values.Slice(oh * 2 * outW, 2 * outW));
                }

                HorizontalMax(values, y.Slice(p * outH * outW, outH * outW));
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<float>.Shared.Return(rented);
            }
        }
    }

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
                Vector256.ConditionalSelect(Vector256.GreaterThan(b, a) | ~Vector256.Equals(b, b), b, a).StoreUnsafe(ref mr, (nuint)j);
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
                Vector256<ulong> lo = Vector256.LoadUnsafe(ref mr, (nuint)(2 * t)).AsUInt64();
                Vector256<ulong> hi = Vector256.LoadUnsafe(ref mr, (nuint)((2 * t) + Count)).AsUInt64();
                Vector256<float> left = Vector256.Narrow(lo, hi).AsSingle();
                Vector256<float> right = Vector256.Narrow(lo >>> 32, hi >>> 32).AsSingle();
                Vector256.ConditionalSelect(Vector256.GreaterThan(right, left) | ~Vector256.Equals(right, right), right, left).StoreUnsafe(ref yr, (nuint)t);
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
                Vector256<float> take = Vector256.GreaterThan(b, a) | ~Vector256.Equals(b, b);
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
                Vector256<ulong> lo = Vector256.LoadUnsafe(ref mr, (nuint)(2 * t)).AsUInt64();
                Vector256<ulong> hi = Vector256.LoadUnsafe(ref mr, (nuint)((2 * t) + Count)).AsUInt64();
                Vector256<float> left = Vector256.Narrow(lo, hi).AsSingle();
                Vector256<float> right = Vector256.Narrow(lo >>> 32, hi >>> 32).AsSingle();
                Vector256<float> take = Vector256.GreaterThan(right, left) | ~Vector256.Equals(right, right);
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
}
