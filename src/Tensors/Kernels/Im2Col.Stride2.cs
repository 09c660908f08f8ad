using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace FoolingCluster.Tensors.Kernels;

/// <summary>The strided copy of im2col for stride 2 (ResNet's stem and its downsampling convolutions).</summary>
public static partial class Im2Col
{
    /// <summary>
    /// <c>dst[i] = src[2·i]</c> for <c>i &lt; count</c>, eight at a time from two loads of eight
    /// where AVX2 allows and the sixteen floats lie within the <paramref name="readable"/> ones
    /// from <paramref name="src"/>; a stride-2 window row is the stem's whole unfold, which the
    /// element-by-element loop made as slow as the stem's matrix product.
    /// </summary>
    private static void CopyEveryOther(ref float src, ref float dst, int count, int readable)
    {
        int i = 0;
        if (Avx2.IsSupported)
        {
            for (; i + 8 <= count && (2 * i) + 16 <= readable; i += 8)
            {
                Vector256<float> a = Vector256.LoadUnsafe(ref src, (nuint)(2 * i));
                Vector256<float> b = Vector256.LoadUnsafe(ref src, (nuint)((2 * i) + 8));

                // Even lanes of each 128-bit half: [a0 a2 b0 b2 | a4 a6 b4 b6], then the middle
                // 64-bit quarters swapped: [a0 a2 a4 a6 b0 b2 b4 b6].
                Vector256<float> evens = Avx.Shuffle(a, b, 0x88);
                Avx2.Permute4x64(evens.AsDouble(), 0xD8).AsSingle().StoreUnsafe(ref dst, (nuint)i);
            }
        }

        for (; i < count; i++)
        {
            Unsafe.Add(ref dst, i) = Unsafe.Add(ref src, 2 * i);
        }
    }
}
