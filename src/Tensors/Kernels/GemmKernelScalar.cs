using System.Runtime.CompilerServices;

namespace FoolingCluster.Tensors.Kernels;

/// <summary>
/// 4x4 scalar microkernel for CPUs without usable vector units; 16 accumulators fit the
/// general-purpose float registers of common targets.
/// </summary>
internal readonly unsafe struct GemmKernelScalar : IGemmMicroKernel
{
    public static int Mr => 4;

    public static int Nr => 4;

    public static int Mc => 64;

    public static int Kc => 256;

    public static int Nc => 1024;

    /// <inheritdoc cref="IGemmMicroKernel.Run{TRows}"/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<TRows>(int kc, float* a, TRows b, float* c, nint ldc, int rows, float alpha, float beta)
        where TRows : struct, IDepthRows
    {
        float c00 = 0f, c01 = 0f, c02 = 0f, c03 = 0f;
        float c10 = 0f, c11 = 0f, c12 = 0f, c13 = 0f;
        float c20 = 0f, c21 = 0f, c22 = 0f, c23 = 0f;
        float c30 = 0f, c31 = 0f, c32 = 0f, c33 = 0f;
        for (int p = 0; p < kc; p++)
        {
            float* bp = b.Row(p);
            float b0 = bp[0], b1 = bp[1], b2 = bp[2], b3 = bp[3];
            float a0 = a[0];
            c00 += a0 * b0;
            c01 += a0 * b1;
            c02 += a0 * b2;
            c03 += a0 * b3;
            float a1 = a[1];
            c10 += a1 * b0;
            c11 += a1 * b1;
            c12 += a1 * b2;
            c13 += a1 * b3;
            float a2 = a[2];
            c20 += a2 * b0;
            c21 += a2 * b1;
            c22 += a2 * b2;
            c23 += a2 * b3;
            float a3 = a[3];
            c30 += a3 * b0;
            c31 += a3 * b1;
            c32 += a3 * b2;
            c33 += a3 * b3;
            a += 4;
        }

        if (beta == 0f)
        {
            float* row0 = c;
            row0[0] = alpha * c00;
            row0[1] = alpha * c01;
            row0[2] = alpha * c02;
            row0[3] = alpha * c03;
            if (rows > 1)
            {
                float* row1 = c + (1 * ldc);
                row1[0] = alpha * c10;
                row1[1] = alpha * c11;
                row1[2] = alpha * c12;
                row1[3] = alpha * c13;
            }

            if (rows > 2)
            {
                float* row2 = c + (2 * ldc);
                row2[0] = alpha * c20;
                row2[1] = alpha * c21;
                row2[2] = alpha * c22;
                row2[3] = alpha * c23;
            }

            if (rows > 3)
            {
                float* row3 = c + (3 * ldc);
                row3[0] = alpha * c30;
                row3[1] = alpha * c31;
                row3[2] = alpha * c32;
                row3[3] = alpha * c33;
            }
        }
        else
        {
            float* row0 = c;
            row0[0] = (alpha * c00) + (beta * row0[0]);
            row0[1] = (alpha * c01) + (beta * row0[1]);
            row0[2] = (alpha * c02) + (beta * row0[2]);
            row0[3] = (alpha * c03) + (beta * row0[3]);
            if (rows > 1)
            {
                float* row1 = c + (1 * ldc);
                row1[0] = (alpha * c10) + (beta * row1[0]);
                row1[1] = (alpha * c11) + (beta * row1[1]);
                row1[2] = (alpha * c12) + (beta * row1[2]);
                row1[3] = (alpha * c13) + (beta * row1[3]);
            }

            if (rows > 2)
            {
                float* row2 = c + (2 * ldc);
                row2[0] = (alpha * c20) + (beta * row2[0]);
                row2[1] = (alpha * c21) + (beta * row2[1]);
                row2[2] = (alpha * c22) + (beta * row2[2]);
                row2[3] = (alpha * c23) + (beta * row2[3]);
            }

            if (rows > 3)
            {
                float* row3 = c + (3 * ldc);
                row3[0] = (alpha * c30) + (beta * row3[0]);
                row3[1] = (alpha * c31) + (beta * row3[1]);
                row3[2] = (alpha * c32) + (beta * row3[2]);
                row3[3] = (alpha * c33) + (beta * row3[3]);
            }
        }
    }
}
