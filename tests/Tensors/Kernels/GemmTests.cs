using FoolingCluster.Tensors.Kernels;
using Xunit;

namespace FoolingCluster.Tensors.Tests.Kernels;

public class GemmTests
{
    /// <summary>Sizes around every vector width (8, 16), tile edge (4, 6, 16, 64) and block edge (120, 256).</summary>
    private static readonly int[] s_sizes = [0, 1, 2, 3, 7, 13, 16, 17, 31, 33, 63, 65, 100, 129, 257];

    private static readonly GemmKernelKind[] s_kinds =
        [GemmKernelKind.Direct, GemmKernelKind.Scalar, GemmKernelKind.Vector256, GemmKernelKind.Vector512];

    /// <summary>
    /// Each size appears once as m, once as n and once as k, so the sweep stays sparse;
    /// odd cases use strides wider than the rows.
    /// </summary>
    public static TheoryData<bool, bool, int> SizeCases()
    {
        var data = new TheoryData<bool, bool, int>();
        foreach (bool transA in new[] { false, true })
        {
            foreach (bool transB in new[] { false, true })
            {
                for (int i = 0; i < s_sizes.Length; i++)
                {
                    data.Add(transA, transB, i);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(SizeCases))]
    public void Every_kernel_matches_the_reference_for_all_transposes_and_sizes(bool transA, bool transB, int index)
    {
        int m = s_sizes[index];
        int n = s_sizes[(index + 5) % s_sizes.Length];
        int k = s_sizes[(index + 10) % s_sizes.Length];
        int pad = index % 2 == 0 ? 0 : 3;
        var problem = new Problem(transA, transB, m, n, k, 1.5f, 0.5f, pad, seed: index);
        foreach (GemmKernelKind kind in s_kinds)
        {
            problem.RunAndCheck(kind, threads: 1);
        }
    }

    [Theory]
    [InlineData(1f, 0f)]
    [InlineData(1f, 1f)]
    [InlineData(-0.5f, 0.25f)]
    [InlineData(2f, -1f)]
    [InlineData(0.75f, 0f)]
    public void Alpha_and_beta_scale_the_product_and_the_old_contents(float alpha, float beta)
    {
        foreach (bool transA in new[] { false, true })
        {
            foreach (bool transB in new[] { false, true })
            {
                var problem = new Problem(transA, transB, 33, 65, 17, alpha, beta, pad: 5, seed: 11);
                foreach (GemmKernelKind kind in s_kinds)
                {
                    problem.RunAndCheck(kind, threads: 1);
                }

                problem.RunAndCheck(GemmKernelKind.Auto, threads: 0);
            }
        }
    }

    [Theory]
    [InlineData(200, 300, 70)]
    [InlineData(300, 40, 90)]
    [InlineData(45, 1000, 20)]
    public void One_and_two_threads_agree_with_the_reference(int m, int n, int k)
    {
        foreach (bool transA in new[] { false, true })
        {
            foreach (bool transB in new[] { false, true })
            {
                var problem = new Problem(transA, transB, m, n, k, 1f, 0f, pad: 1, seed: m + n + k);
                foreach (GemmKernelKind kind in new[] { GemmKernelKind.Auto, GemmKernelKind.Vector512, GemmKernelKind.Vector256 })
                {
                    float[] one = problem.RunAndCheck(kind, threads: 1);
                    float[] two = problem.RunAndCheck(kind, threads: 2);
                    Assert.Equal(one.Length, two.Length);
                }
            }
        }
    }

    [Theory]
    [InlineData(false, false, 50, 64, 500)]
    [InlineData(false, true, 64, 500, 800)]
    [InlineData(true, false, 500, 64, 50)]
    [InlineData(true, false, 20, 576, 25)]
    public void Network_shapes_match_the_reference(bool transA, bool transB, int m, int n, int k)
    {
        var problem = new Problem(transA, transB, m, n, k, 1f, 0f, pad: 0, seed: 3);
        problem.RunAndCheck(GemmKernelKind.Auto, threads: 0);
    }

    [Theory]
    [InlineData(20, 25, 9216 + 3, 1f, 0f)]
    [InlineData(4, 4, 256, 1f, 1f)]
    [InlineData(5, 7, 300, -0.5f, 0.25f)]
    [InlineData(1, 13, 1000, 2f, 0f)]
    [InlineData(9, 1, 17, 1f, 0f)]
    public void Dot_products_for_a_small_C_match_the_reference(int m, int n, int k, float alpha, float beta)
    {
        var problem = new Problem(false, true, m, n, k, alpha, beta, pad: 3, seed: 9);
        problem.RunAndCheck(GemmKernelKind.Dot, threads: 1);
        problem.RunAndCheck(GemmKernelKind.Auto, threads: 1);
    }

    [Theory]
    [InlineData(1, 500, 800)]
    [InlineData(2, 500, 800)]
    [InlineData(3, 1001, 300)]
    public void A_fully_connected_layer_on_one_to_three_images_matches_the_reference_and_one_thread_on_several(int m, int n, int k)
    {
        // Dot products split over threads along C's columns, each thread's range starting on a
        // dot block: the same bits on one thread and on several.
        var problem = new Problem(false, true, m, n, k, 1f, 0.5f, pad: 1, seed: 12);
        float[] one = problem.RunAndCheck(GemmKernelKind.Auto, threads: 1);
        float[] several = problem.RunAndCheck(GemmKernelKind.Auto, threads: 3);
        if (Gemm.BestKernel() == GemmKernelKind.Vector512)
        {
            // The dot path needs AVX-512; elsewhere these shapes are packed, split another way.
            Assert.Equal(one, several);
        }
    }

    [Fact]
    public void Columns_beyond_one_packed_block_of_B_are_computed()
    {
        var problem = new Problem(false, true, 3, 2100, 5, 1f, 1f, pad: 2, seed: 5);
        foreach (GemmKernelKind kind in s_kinds)
        {
            problem.RunAndCheck(kind, threads: 1);
        }

        problem.RunAndCheck(GemmKernelKind.Vector512, threads: 2);
    }

    [Fact]
    public void Zero_depth_only_scales_C()
    {
        float[] c = [1f, 2f, 3f, 4f, 5f, 6f];
        Gemm.Multiply(false, false, 2, 3, 0, 1f, [], 1, [], 3, 2f, c, 3);
        Assert.Equal([2f, 4f, 6f, 8f, 10f, 12f], c);

        float[] nan = [float.NaN, float.NaN, float.NaN];
        Gemm.Multiply(false, false, 1, 3, 0, 1f, [], 1, [], 3, 0f, nan, 3);
        Assert.Equal([0f, 0f, 0f], nan);
    }

    [Fact]
    public void Zero_alpha_ignores_the_operands()
    {
        float[] a = [float.NaN, float.NaN];
        float[] b = [float.NaN, float.NaN];
        float[] c = [1f, 2f, 3f, 4f];
        Gemm.Multiply(false, false, 2, 2, 1, 0f, a, 1, b, 2, 0.5f, c, 2);
        Assert.Equal([0.5f, 1f, 1.5f, 2f], c);
    }

    [Fact]
    public void Empty_C_is_left_alone()
    {
        float[] c = [7f];
        Gemm.Multiply(false, false, 0, 5, 3, 1f, [], 3, new float[15], 5, 0f, c, 5);
        Gemm.Multiply(false, false, 5, 0, 3, 1f, new float[15], 3, [], 1, 0f, c, 1);
        Assert.Equal(7f, c[0]);
    }

    [Fact]
    public void Invalid_arguments_are_rejected_with_the_offending_parameter()
    {
        float[] a = new float[6];
        float[] b = new float[6];
        float[] c = new float[4];
        Assert.Throws<ArgumentOutOfRangeException>("m", () => Gemm.Multiply(false, false, -1, 2, 3, 1f, a, 3, b, 2, 0f, c, 2));
        Assert.Throws<ArgumentOutOfRangeException>("k", () => Gemm.Multiply(false, false, 2, 2, -3, 1f, a, 3, b, 2, 0f, c, 2));
        Assert.Throws<ArgumentException>("lda", () => Gemm.Multiply(false, false, 2, 2, 3, 1f, a, 2, b, 2, 0f, c, 2));
        Assert.Throws<ArgumentException>("lda", () => Gemm.Multiply(true, false, 2, 2, 3, 1f, a, 1, b, 2, 0f, c, 2));
        Assert.Throws<ArgumentException>("ldb", () => Gemm.Multiply(false, true, 2, 2, 3, 1f, a, 3, b, 2, 0f, c, 2));
        Assert.Throws<ArgumentException>("ldc", () => Gemm.Multiply(false, false, 2, 2, 3, 1f, a, 3, b, 2, 0f, c, 1));
        Assert.Throws<ArgumentException>("a", () => Gemm.Multiply(false, false, 2, 2, 3, 1f, a.AsSpan(0, 5), 3, b, 2, 0f, c, 2));
        Assert.Throws<ArgumentException>("b", () => Gemm.Multiply(false, false, 2, 2, 3, 1f, a, 3, b.AsSpan(0, 5), 2, 0f, c, 2));
        Assert.Throws<ArgumentException>("c", () => Gemm.Multiply(false, false, 2, 2, 3, 1f, a, 3, b, 2, 0f, c.AsSpan(0, 3), 2));
        Assert.Throws<ArgumentException>("c", () => Gemm.Multiply(false, false, 2, 2, 3, 1f, a, 3, b, 2, 0f, c, 3));
    }

    /// <summary>
    /// Random operands with NaN in every padding element (so reading outside the logical matrices
    /// shows up), and the reference product computed in double.
    /// </summary>
    private sealed class Problem
    {
        private readonly bool _transA;
        private readonly bool _transB;
        private readonly int _m;
        private readonly int _n;
        private readonly int _k;
        private readonly float _alpha;
        private readonly float _beta;
        private readonly int _lda;
        private readonly int _ldb;
        private readonly int _ldc;
        private readonly float[] _a;
        private readonly float[] _b;
        private readonly float[] _c0;
        private readonly double[] _expected;

        public Problem(bool transA, bool transB, int m, int n, int k, float alpha, float beta, int pad, int seed)
        {
            var rng = new Random(seed);
            (_transA, _transB, _m, _n, _k, _alpha, _beta) = (transA, transB, m, n, k, alpha, beta);
            (int aRows, int aCols) = transA ? (k, m) : (m, k);
            (int bRows, int bCols) = transB ? (n, k) : (k, n);
            _lda = Math.Max(1, aCols) + pad;
            _ldb = Math.Max(1, bCols) + pad;
            _ldc = Math.Max(1, n) + pad;
            _a = Fill(rng, aRows, aCols, _lda);
            _b = Fill(rng, bRows, bCols, _ldb);
            _c0 = Fill(rng, m, n, _ldc);
            if (beta == 0f)
            {
                // beta == 0 must ignore C entirely, NaN included.
                for (int i = 0; i < m; i++)
                {
                    _c0.AsSpan(i * _ldc, n).Fill(float.NaN);
                }
            }

            _expected = new double[m * n];
            for (int i = 0; i < m; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    double sum = 0;
                    for (int p = 0; p < k; p++)
                    {
                        double av = transA ? _a[(p * _lda) + i] : _a[(i * _lda) + p];
                        double bv = transB ? _b[(j * _ldb) + p] : _b[(p * _ldb) + j];
                        sum += av * bv;
                    }

                    double old = beta == 0f ? 0 : beta * (double)_c0[(i * _ldc) + j];
                    _expected[(i * n) + j] = (alpha * sum) + old;
                }
            }
        }

        /// <summary>Runs the GEMM on a fresh copy of C, checks it and returns it.</summary>
        public float[] RunAndCheck(GemmKernelKind kind, int threads)
        {
            float[] c = (float[])_c0.Clone();
            Gemm.MultiplyWith(kind, _transA, _transB, _m, _n, _k, _alpha, _a, _lda, _b, _ldb, _beta, c, _ldc, threads);

            // Operands are in [-1, 1]; float accumulation error grows at most linearly in k.
            double tolerance = (1e-5 * _k * Math.Abs(_alpha)) + (1e-6 * Math.Abs(_beta)) + 1e-6;
            for (int i = 0; i < _m; i++)
            {
                for (int j = 0; j < _ldc && (i * _ldc) + j < c.Length; j++)
                {
                    int at = (i * _ldc) + j;
                    if (j >= _n)
                    {
                        Assert.True(float.IsNaN(c[at]), $"{kind} wrote padding C[{i},{j}]");
                        continue;
                    }

                    double expected = _expected[(i * _n) + j];
                    if (Math.Abs(c[at] - expected) > tolerance)
                    {
                        Assert.Fail($"{kind} threads={threads} transA={_transA} transB={_transB} m={_m} n={_n} k={_k}: C[{i},{j}] = {c[at]}, expected {expected} ± {tolerance}");
                    }
                }
            }

            return c;
        }

        private static float[] Fill(Random rng, int rows, int cols, int stride)
        {
            float[] data = new float[rows == 0 ? 0 : ((rows - 1) * stride) + cols];
            Array.Fill(data, float.NaN);
            for (int i = 0; i < rows; i++)
            {
                for (int j = 0; j < cols; j++)
                {
                    data[(i * stride) + j] = (float)((rng.NextDouble() * 2) - 1);
                }
            }

            return data;
        }
    }
}
