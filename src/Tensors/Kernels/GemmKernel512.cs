using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace FoolingCluster.Tensors.Kernels;

/// <summary>
/// 14x32 microkernel on Vector512 with FMA: 28 zmm accumulators, two B vectors and one broadcast
/// of A use 31 of the 32 registers, so the whole tile stays in registers across the k loop.
/// </summary>
internal readonly unsafe struct GemmKernel512 : IGemmMicroKernel
{
    public static int Mr => 14;

    public static int Nr => 32;

    public static int Mc => 126;

    public static int Kc => 256;

    public static int Nc => 2048;

    /// <inheritdoc cref="IGemmMicroKernel.Run"/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, float* a, float* b, float* c, nint ldc, float alpha, float beta)
    {
        Vector512<float> c00 = default, c01 = default;
        Vector512<float> c10 = default, c11 = default;
        Vector512<float> c20 = default, c21 = default;
        Vector512<float> c30 = default, c31 = default;
        Vector512<float> c40 = default, c41 = default;
        Vector512<float> c50 = default, c51 = default;
        Vector512<float> c60 = default, c61 = default;
        Vector512<float> c70 = default, c71 = default;
        Vector512<float> c80 = default, c81 = default;
        Vector512<float> c90 = default, c91 = default;
        Vector512<float> c100 = default, c101 = default;
        Vector512<float> c110 = default, c111 = default;
        Vector512<float> c120 = default, c121 = default;
        Vector512<float> c130 = default, c131 = default;
        for (int p = 0; p < kc; p++)
        {
            Vector512<float> b0 = Vector512.LoadAligned(b);
            Vector512<float> b1 = Vector512.LoadAligned(b + 16);
            Vector512<float> ar;
            ar = Vector512.Create(a[0]);
            c00 = Vector512.FusedMultiplyAdd(ar, b0, c00);
            c01 = Vector512.FusedMultiplyAdd(ar, b1, c01);
            ar = Vector512.Create(a[1]);
            c10 = Vector512.FusedMultiplyAdd(ar, b0, c10);
            c11 = Vector512.FusedMultiplyAdd(ar, b1, c11);
            ar = Vector512.Create(a[2]);
            c20 = Vector512.FusedMultiplyAdd(ar, b0, c20);
            c21 = Vector512.FusedMultiplyAdd(ar, b1, c21);
            ar = Vector512.Create(a[3]);
            c30 = Vector512.FusedMultiplyAdd(ar, b0, c30);
            c31 = Vector512.FusedMultiplyAdd(ar, b1, c31);
            ar = Vector512.Create(a[4]);
            c40 = Vector512.FusedMultiplyAdd(ar, b0, c40);
            c41 = Vector512.FusedMultiplyAdd(ar, b1, c41);
            ar = Vector512.Create(a[5]);
            c50 = Vector512.FusedMultiplyAdd(ar, b0, c50);
            c51 = Vector512.FusedMultiplyAdd(ar, b1, c51);
            ar = Vector512.Create(a[6]);
            c60 = Vector512.FusedMultiplyAdd(ar, b0, c60);
            c61 = Vector512.FusedMultiplyAdd(ar, b1, c61);
            ar = Vector512.Create(a[7]);
            c70 = Vector512.FusedMultiplyAdd(ar, b0, c70);
            c71 = Vector512.FusedMultiplyAdd(ar, b1, c71);
            ar = Vector512.Create(a[8]);
            c80 = Vector512.FusedMultiplyAdd(ar, b0, c80);
            c81 = Vector512.FusedMultiplyAdd(ar, b1, c81);
            ar = Vector512.Create(a[9]);
            c90 = Vector512.FusedMultiplyAdd(ar, b0, c90);
            c91 = Vector512.FusedMultiplyAdd(ar, b1, c91);
            ar = Vector512.Create(a[10]);
            c100 = Vector512.FusedMultiplyAdd(ar, b0, c100);
            c101 = Vector512.FusedMultiplyAdd(ar, b1, c101);
            ar = Vector512.Create(a[11]);
            c110 = Vector512.FusedMultiplyAdd(ar, b0, c110);
            c111 = Vector512.FusedMultiplyAdd(ar, b1, c111);
            ar = Vector512.Create(a[12]);
            c120 = Vector512.FusedMultiplyAdd(ar, b0, c120);
            c121 = Vector512.FusedMultiplyAdd(ar, b1, c121);
            ar = Vector512.Create(a[13]);
            c130 = Vector512.FusedMultiplyAdd(ar, b0, c130);
            c131 = Vector512.FusedMultiplyAdd(ar, b1, c131);
            a += 14;
            b += 32;
        }

        Vector512<float> va = Vector512.Create(alpha);
        if (beta == 0f)
        {
            Store(c + (0 * ldc), c00, c01, va);
            Store(c + (1 * ldc), c10, c11, va);
            Store(c + (2 * ldc), c20, c21, va);
            Store(c + (3 * ldc), c30, c31, va);
            Store(c + (4 * ldc), c40, c41, va);
            Store(c + (5 * ldc), c50, c51, va);
            Store(c + (6 * ldc), c60, c61, va);
            Store(c + (7 * ldc), c70, c71, va);
            Store(c + (8 * ldc), c80, c81, va);
            Store(c + (9 * ldc), c90, c91, va);
            Store(c + (10 * ldc), c100, c101, va);
            Store(c + (11 * ldc), c110, c111, va);
            Store(c + (12 * ldc), c120, c121, va);
            Store(c + (13 * ldc), c130, c131, va);
        }
        else
        {
            Vector512<float> vb = Vector512.Create(beta);
            Update(c + (0 * ldc), c00, c01, va, vb);
            Update(c + (1 * ldc), c10, c11, va, vb);
            Update(c + (2 * ldc), c20, c21, va, vb);
            Update(c + (3 * ldc), c30, c31, va, vb);
            Update(c + (4 * ldc), c40, c41, va, vb);
            Update(c + (5 * ldc), c50, c51, va, vb);
            Update(c + (6 * ldc), c60, c61, va, vb);
            Update(c + (7 * ldc), c70, c71, va, vb);
            Update(c + (8 * ldc), c80, c81, va, vb);
            Update(c + (9 * ldc), c90, c91, va, vb);
            Update(c + (10 * ldc), c100, c101, va, vb);
            Update(c + (11 * ldc), c110, c111, va, vb);
            Update(c + (12 * ldc), c120, c121, va, vb);
            Update(c + (13 * ldc), c130, c131, va, vb);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* c, Vector512<float> acc0, Vector512<float> acc1, Vector512<float> alpha)
    {
        Vector512.Store(acc0 * alpha, c);
        Vector512.Store(acc1 * alpha, c + 16);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Update(float* c, Vector512<float> acc0, Vector512<float> acc1, Vector512<float> alpha, Vector512<float> beta)
    {
        Vector512.Store(Vector512.FusedMultiplyAdd(acc0, alpha, Vector512.Load(c) * beta), c);
        Vector512.Store(Vector512.FusedMultiplyAdd(acc1, alpha, Vector512.Load(c + 16) * beta), c + 16);
    }
}
