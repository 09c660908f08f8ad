using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace FoolingCluster.Tensors.Kernels;

/// <summary>
/// 6x16 microkernel on Vector256 with FMA: 12 ymm accumulators, two B vectors and one broadcast
/// of A use 15 of the 16 registers available without AVX-512.
/// </summary>
internal readonly unsafe struct GemmKernel256 : IGemmMicroKernel
{
    public static int Mr => 6;

    public static int Nr => 16;

    public static int Mc => 120;

    public static int Kc => 256;

    public static int Nc => 2048;

    /// <inheritdoc cref="IGemmMicroKernel.Run{TRows}"/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<TRows>(int kc, float* a, TRows b, float* c, nint ldc, int rows, float alpha, float beta)
        where TRows : struct, IDepthRows
    {
        Vector256<float> c00 = default, c01 = default;
        Vector256<float> c10 = default, c11 = default;
        Vector256<float> c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default;
        Vector256<float> c40 = default, c41 = default;
        Vector256<float> c50 = default, c51 = default;
        for (int p = 0; p < kc; p++)
        {
            float* bp = b.Row(p);
            Vector256<float> b0 = Vector256.Load(bp);
            Vector256<float> b1 = Vector256.Load(bp + 8);
            Vector256<float> ar;
            ar = Vector256.Create(a[0]);
            c00 = Vector256.FusedMultiplyAdd(ar, b0, c00);
            c01 = Vector256.FusedMultiplyAdd(ar, b1, c01);
            ar = Vector256.Create(a[1]);
            c10 = Vector256.FusedMultiplyAdd(ar, b0, c10);
            c11 = Vector256.FusedMultiplyAdd(ar, b1, c11);
            ar = Vector256.Create(a[2]);
            c20 = Vector256.FusedMultiplyAdd(ar, b0, c20);
            c21 = Vector256.FusedMultiplyAdd(ar, b1, c21);
            ar = Vector256.Create(a[3]);
            c30 = Vector256.FusedMultiplyAdd(ar, b0, c30);
            c31 = Vector256.FusedMultiplyAdd(ar, b1, c31);
            ar = Vector256.Create(a[4]);
            c40 = Vector256.FusedMultiplyAdd(ar, b0, c40);
            c41 = Vector256.FusedMultiplyAdd(ar, b1, c41);
            ar = Vector256.Create(a[5]);
            c50 = Vector256.FusedMultiplyAdd(ar, b0, c50);
            c51 = Vector256.FusedMultiplyAdd(ar, b1, c51);
            a += 6;
        }

        Vector256<float> va = Vector256.Create(alpha);
        if (beta == 0f)
        {
            Store(c, c00, c01, va);
            if (rows > 1)
            {
                Store(c + (1 * ldc), c10, c11, va);
            }

            if (rows > 2)
            {
                Store(c + (2 * ldc), c20, c21, va);
            }

            if (rows > 3)
            {
                Store(c + (3 * ldc), c30, c31, va);
            }

            if (rows > 4)
            {
                Store(c + (4 * ldc), c40, c41, va);
            }

            if (rows > 5)
            {
                Store(c + (5 * ldc), c50, c51, va);
            }
        }
        else
        {
            Vector256<float> vb = Vector256.Create(beta);
            Update(c, c00, c01, va, vb);
            if (rows > 1)
            {
                Update(c + (1 * ldc), c10, c11, va, vb);
            }

            if (rows > 2)
            {
                Update(c + (2 * ldc), c20, c21, va, vb);
            }

            if (rows > 3)
            {
                Update(c + (3 * ldc), c30, c31, va, vb);
            }

            if (rows > 4)
            {
                Update(c + (4 * ldc), c40, c41, va, vb);
            }

            if (rows > 5)
            {
                Update(c + (5 * ldc), c50, c51, va, vb);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* c, Vector256<float> acc0, Vector256<float> acc1, Vector256<float> alpha)
    {
        Vector256.Store(acc0 * alpha, c);
        Vector256.Store(acc1 * alpha, c + 8);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Update(float* c, Vector256<float> acc0, Vector256<float> acc1, Vector256<float> alpha, Vector256<float> beta)
    {
        Vector256.Store(Vector256.FusedMultiplyAdd(acc0, alpha, Vector256.Load(c) * beta), c);
        Vector256.Store(Vector256.FusedMultiplyAdd(acc1, alpha, Vector256.Load(c + 8) * beta), c + 8);
    }
}
