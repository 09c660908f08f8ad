using FoolingCluster.Tensors.Kernels;
using FoolingCluster.Tensors.Tests.Support;
using Xunit;

namespace FoolingCluster.Tensors.Tests.Kernels;

/// <summary>
/// Products with a packed A and B read where it lies (<see cref="StridedProduct"/>) against the
/// definition accumulated in double, for every blocked microkernel.
/// </summary>
public unsafe class StridedProductTests
{
    private static readonly GemmKernelKind[] s_kinds = [GemmKernelKind.Scalar, GemmKernelKind.Vector256, GemmKernelKind.Vector512];

    [Theory]
    [InlineData(1, 1, 64)]
    [InlineData(50, 500, 128)]       // LeNet's second layer on two images: two depth blocks
    [InlineData(13, 270, 192)]       // rows past the last row tile, a short last depth block
    public void Products_with_b_read_in_place_match_the_definition(int m, int k, int n)
    {
        var rng = new Random(m + k + n);
        float[] a = ConvReference.Random(rng, m * k);
        int ldb = n + 8;
        float[] b = ConvReference.Random(rng, k * ldb);
        double[] expected = new double[m * n];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int p = 0; p < k; p++)
                {
                    sum += (double)a[(i * k) + p] * b[(p * ldb) + j];
                }

                expected[(i * n) + j] = sum;
            }
        }

        foreach (GemmKernelKind kind in s_kinds)
        {
            GemmPackedA packed = GemmPackedA.Pack(kind, a, k, m, k);
            int[] shifts = Enumerable.Range(0, k).Select(p => p * ldb).ToArray();
            float[] c = Enumerable.Repeat(float.NaN, m * n).ToArray();
            fixed (float* pb = b, pc = c)
            fixed (int* ps = shifts)
            {
                switch (kind)
                {
                    case GemmKernelKind.Scalar:
                        StridedProduct.Multiply<GemmKernelScalar>(packed, pb, ps, n / GemmKernelScalar.Nr, pc, n, 0, (m + GemmKernelScalar.Mr - 1) / GemmKernelScalar.Mr);
                        break;
                    case GemmKernelKind.Vector256:
                        StridedProduct.Multiply<GemmKernel256>(packed, pb, ps, n / GemmKernel256.Nr, pc, n, 0, (m + GemmKernel256.Mr - 1) / GemmKernel256.Mr);
                        break;
                    default:
                        StridedProduct.Multiply<GemmKernel512>(packed, pb, ps, n / GemmKernel512.Nr, pc, n, 0, (m + GemmKernel512.Mr - 1) / GemmKernel512.Mr);
                        break;
                }
            }

            ConvReference.AssertClose(expected, c, $"{kind} [{m},{k}]×[{k},{n}]");
        }
    }
}
