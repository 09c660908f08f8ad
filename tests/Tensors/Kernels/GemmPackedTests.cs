using FoolingCluster.Tensors.Kernels;
using Xunit;

namespace FoolingCluster.Tensors.Tests.Kernels;

/// <summary>
/// Products with A packed once beforehand (<see cref="GemmPackedA"/>) against the definition in
/// double, for every blocked microkernel, sizes around the tile and block edges (rows not a
/// multiple of the microkernel's, depths past one block of 256) and one and two threads.
/// </summary>
public unsafe class GemmPackedTests
{
    private static readonly GemmKernelKind[] s_kinds = [GemmKernelKind.Scalar, GemmKernelKind.Vector256, GemmKernelKind.Vector512];

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(7, 13, 5)]
    [InlineData(13, 65, 300)]
    [InlineData(121, 17, 257)]
    [InlineData(64, 49, 600)]
    [InlineData(200, 130, 70)]
    [InlineData(30, 2100, 9)]
    public void Packed_products_match_the_reference(int m, int n, int k)
    {
        var rng = new Random(m + n + k);
        int lda = k + 3, ldb = n + 2, ldc = n + 1;
        float[] a = Random(rng, ((m - 1) * lda) + k);
        float[] b = Random(rng, ((k - 1) * ldb) + n);
        foreach (GemmKernelKind kind in s_kinds)
        {
            GemmPackedA packed = GemmPackedA.Pack(kind, a, lda, m, k);

            // Packing copies: changing A afterwards must not change the product.
            float[] changed = (float[])a.Clone();
            changed.AsSpan().Fill(float.NaN);
            foreach (int threads in new[] { 1, 2 })
            {
                float[] c = Enumerable.Repeat(float.NaN, ((m - 1) * ldc) + n).ToArray();
                fixed (float* pb = b, pc = c)
                {
                    Gemm.MultiplyFrom(packed, null, m, k, new MatrixPanels(false, pb, ldb), n, pc, ldc, threads);
                }

                for (int i = 0; i < m; i++)
                {
                    for (int j = 0; j < n; j++)
                    {
                        double expected = 0;
                        for (int p = 0; p < k; p++)
                        {
                            expected += (double)a[(i * lda) + p] * b[(p * ldb) + j];
                        }

                        double got = c[(i * ldc) + j];
                        Assert.True(Math.Abs(got - expected) <= (1e-5 * k) + 1e-6, $"{kind} threads={threads} m={m} n={n} k={k}: C[{i},{j}] = {got}, expected {expected}");
                    }

                    for (int j = n; j < ldc && (i * ldc) + j < c.Length; j++)
                    {
                        Assert.True(float.IsNaN(c[(i * ldc) + j]), $"{kind} wrote padding C[{i},{j}]");
                    }
                }
            }
        }
    }

    [Fact]
    public void A_kernel_without_packed_panels_and_a_short_operand_are_refused()
    {
        float[] a = new float[6];
        Assert.Throws<ArgumentException>("kind", () => GemmPackedA.Pack(GemmKernelKind.Direct, a, 3, 2, 3));
        Assert.Throws<ArgumentException>("a", () => GemmPackedA.Pack(GemmKernelKind.Scalar, a.AsSpan(0, 5), 3, 2, 3));
    }

    private static float[] Random(Random rng, int length) =>
        Enumerable.Range(0, length).Select(_ => (float)((rng.NextDouble() * 2) - 1)).ToArray();
}
