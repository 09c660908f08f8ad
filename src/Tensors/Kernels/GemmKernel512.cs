using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace FoolingCluster.Tensors.Kernels;

/// <summary>
/// 6x64 microkernel on Vector512 with FMA: 24 zmm accumulators, four B vectors and one broadcast
/// of A use 29 of the 32 registers, so the whole tile stays in registers across the k loop.
/// </summary>
internal readonly unsafe struct GemmKernel512 : IGemmMicroKernel
{
    public static int Mr => 6;

    public static int Nr => 64;

    public static int Mc => 120;

    public static int Kc => 256;

    public static int Nc => 2048;

    /// <inheritdoc cref="IGemmMicroKernel.Run{TRows}"/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<TRows>(int kc, float* a, TRows b, float* c, nint ldc, int rows, float alpha, float beta)
        where TRows : struct, IDepthRows
    {
        Vector512<float> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector512<float> c10 = default, c11 = default, c12 = default, c13 = default;
        Vector512<float> c20 = default, c21 = default, c22 = default, c23 = default;
        Vector512<float> c30 = default, c31 = default, c32 = default, c33 = default;
        Vector512<float> c40 = default, c41 = default, c42 = default, c43 = default;
        Vector512<float> c50 = default, c51 = default, c52 = default, c53 = default;
        for (int p = 0; p < kc; p++)
        {
            float* bp = b.Row(p);
            Vector512<float> b0 = Vector512.Load(bp);
            Vector512<float> b1 = Vector512.Load(bp + 16);
            Vector512<float> b2 = Vector512.Load(bp + 32);
            Vector512<float> b3 = Vector512.Load(bp + 48);
            Vector512<float> ar;
            ar = Vector512.Create(a[0]);
            c00 = Vector512.FusedMultiplyAdd(ar, b0, c00);
            c01 = Vector512.FusedMultiplyAdd(ar, b1, c01);
            c02 = Vector512.FusedMultiplyAdd(ar, b2, c02);
            c03 = Vector512.FusedMultiplyAdd(ar, b3, c03);
            ar = Vector512.Create(a[1]);
            c10 = Vector512.FusedMultiplyAdd(ar, b0, c10);
            c11 = Vector512.FusedMultiplyAdd(ar, b1, c11);
            c12 = Vector512.FusedMultiplyAdd(ar, b2, c12);
            c13 = Vector512.FusedMultiplyAdd(ar, b3, c13);
            ar = Vector512.Create(a[2]);
            c20 = Vector512.FusedMultiplyAdd(ar, b0, c20);
            c21 = Vector512.FusedMultiplyAdd(ar, b1, c21);
            c22 = Vector512.FusedMultiplyAdd(ar, b2, c22);
            c23 = Vector512.FusedMultiplyAdd(ar, b3, c23);
            ar = Vector512.Create(a[3]);
            c30 = Vector512.FusedMultiplyAdd(ar, b0, c30);
            c31 = Vector512.FusedMultiplyAdd(ar, b1, c31);
            c32 = Vector512.FusedMultiplyAdd(ar, b2, c32);
            c33 = Vector512.FusedMultiplyAdd(ar, b3, c33);
            ar = Vector512.Create(a[4]);
            c40 = Vector512.FusedMultiplyAdd(ar, b0, c40);
            c41 = Vector512.FusedMultiplyAdd(ar, b1, c41);
            c42 = Vector512.FusedMultiplyAdd(ar, b2, c42);
            c43 = Vector512.FusedMultiplyAdd(ar, b3, c43);
            ar = Vector512.Create(a[5]);
            c50 = Vector512.FusedMultiplyAdd(ar, b0, c50);
            c51 = Vector512.FusedMultiplyAdd(ar, b1, c51);
            c52 = Vector512.FusedMultiplyAdd(ar, b2, c52);
            c53 = Vector512.FusedMultiplyAdd(ar, b3, c53);
            a += 6;
        }

        Vector512<float> va = Vector512.Create(alpha);
        if (beta == 0f)
        {
            Store(c, c00, c01, c02, c03, va);
            if (rows > 1)
            {
                Store(c + (1 * ldc), c10, c11, c12, c13, va);
            }

            if (rows > 2)
            {
                Store(c + (2 * ldc), c20, c21, c22, c23, va);
            }

            if (rows > 3)
            {
                Store(c + (3 * ldc), c30, c31, c32, c33, va);
            }

            if (rows > 4)
            {
                Store(c + (4 * ldc), c40, c41, c42, c43, va);
            }

            if (rows > 5)
            {
                Store(c + (5 * ldc), c50, c51, c52, c53, va);
            }
        }
        else
        {
            Vector512<float> vb = Vector512.Create(beta);
            Update(c, c00, c01, c02, c03, va, vb);
            if (rows > 1)
            {
                Update(c + (1 * ldc), c10, c11, c12, c13, va, vb);
            }

            if (rows > 2)
            {
                Update(c + (2 * ldc), c20, c21, c22, c23, va, vb);
            }

            if (rows > 3)
            {
                Update(c + (3 * ldc), c30, c31, c32, c33, va, vb);
            }

            if (rows > 4)
            {
                Update(c + (4 * ldc), c40, c41, c42, c43, va, vb);
            }

            if (rows > 5)
            {
                Update(c + (5 * ldc), c50, c51, c52, c53, va, vb);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* c, Vector512<float> acc0, Vector512<float> acc1, Vector512<float> acc2, Vector512<float> acc3, Vector512<float> alpha)
    {
        Vector512.Store(acc0 * alpha, c);
        Vector512.Store(acc1 * alpha, c + 16);
        Vector512.Store(acc2 * alpha, c + 32);
        Vector512.Store(acc3 * alpha, c + 48);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Update(float* c, Vector512<float> acc0, Vector512<float> acc1, Vector512<float> acc2, Vector512<float> acc3, Vector512<float> alpha, Vector512<float> beta)
    {
        Vector512.Store(Vector512.FusedMultiplyAdd(acc0, alpha, Vector512.Load(c) * beta), c);
        Vector512.Store(Vector512.FusedMultiplyAdd(acc1, alpha, Vector512.Load(c + 16) * beta), c + 16);
        Vector512.Store(Vector512.FusedMultiplyAdd(acc2, alpha, Vector512.Load(c + 32) * beta), c + 32);
        Vector512.Store(Vector512.FusedMultiplyAdd(acc3, alpha, Vector512.Load(c + 48) * beta), c + 48);
    }
}
