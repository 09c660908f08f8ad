using FoolingCluster.Tensors.Kernels;
using Xunit;

namespace FoolingCluster.Tensors.Tests.Kernels;

public class ExponentialTests
{
    [Fact]
    public void Every_length_from_0_to_256_matches_double_precision_exp()
    {
        var random = new Random(8);
        for (int n = 0; n <= 256; n++)
        {
            float[] x = Enumerable.Range(0, n).Select(_ => (float)((random.NextDouble() * 170) - 86)).ToArray();
            float[] y = new float[n];
            Exponential.Exp(x, y);
            for (int i = 0; i < n; i++)
            {
                double expected = Math.Exp(x[i]);
                Assert.True(Math.Abs(y[i] - expected) <= 4e-7 * expected, $"n={n}, i={i}: exp({x[i]:R}) = {expected:R}, got {y[i]:R}");
            }
        }
    }

    [Fact]
    public void Small_arguments_and_the_clamped_ends()
    {
        float[] x = [0f, -0f, 1e-8f, -1e-8f, 1f, -1f, -87.3f, 88f, -1000f, 1000f, float.NegativeInfinity, float.PositiveInfinity, float.NaN];
        float[] y = new float[x.Length];
        Exponential.Exp(x, y);
        for (int i = 0; i < 8; i++)
        {
            double expected = Math.Exp(x[i]);
            Assert.True(Math.Abs(y[i] - expected) <= 4e-7 * expected, $"exp({x[i]:R}) = {expected:R}, got {y[i]:R}");
        }

        Assert.Equal(1f, y[0]);
        Assert.InRange(y[8], 0f, 1.3e-38f);
        Assert.InRange(y[10], 0f, 1.3e-38f);
        Assert.InRange(y[9], 1.6e38f, 1.7e38f);
        Assert.InRange(y[11], 1.6e38f, 1.7e38f);
        Assert.True(float.IsNaN(y[12]));
    }

    [Fact]
    public void Vector_and_scalar_paths_agree_bit_for_bit()
    {
        var random = new Random(9);
        float[] x = Enumerable.Range(0, 1000).Select(_ => (float)((random.NextDouble() * 60) - 30)).ToArray();
        float[] y = new float[x.Length];
        Exponential.Exp(x, y);
        for (int i = 0; i < x.Length; i++)
        {
            Assert.Equal(Exponential.ExpScalar(x[i]), y[i]);
        }
    }
}
