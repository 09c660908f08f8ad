using FoolingCluster.Tensors.Kernels;
using Xunit;

namespace FoolingCluster.Tensors.Tests.Kernels;

public class SineTests
{
    [Fact]
    public void Every_length_from_0_to_256_matches_double_precision_sine()
    {
        var random = new Random(5);
        for (int n = 0; n <= 256; n++)
        {
            float[] x = Enumerable.Range(0, n).Select(_ => (float)((random.NextDouble() * 200) - 100)).ToArray();
            float[] y = new float[n];
            Sine.Sin(x, y);
            for (int i = 0; i < n; i++)
            {
                double expected = Math.Sin(x[i]);
                Assert.True(Math.Abs(y[i] - expected) < 2e-7, $"n={n}, i={i}: sin({x[i]:R}) = {expected:R}, got {y[i]:R}");
            }
        }
    }

    [Theory]
    [InlineData(1e-3)]
    [InlineData(1.0)]
    [InlineData(50.0)]
    [InlineData(1e4)]
    [InlineData(1e5)]
    [InlineData(1e30)]
    public void Arguments_across_magnitudes_stay_within_the_documented_error(double scale)
    {
        var random = new Random(6);
        float[] x = Enumerable.Range(0, 4096).Select(_ => (float)(((random.NextDouble() * 2) - 1) * scale)).ToArray();
        float[] y = new float[x.Length];
        Sine.Sin(x, y);
        double worst = x.Select((v, i) => Math.Abs(y[i] - Math.Sin(v))).Max();
        Assert.True(worst < 2e-7, $"largest error {worst:G3} for |x| up to {scale}");
    }

    [Fact]
    public void Special_points_and_in_place_use()
    {
        float[] x = [0f, -0f, MathF.PI / 2, -MathF.PI / 2, MathF.PI, 3 * MathF.PI / 2, float.NaN, float.PositiveInfinity, float.NegativeInfinity];
        float[] expected = x.Select(v => (float)Math.Sin(v)).ToArray();
        Sine.Sin(x, x);
        for (int i = 0; i < 6; i++)
        {
            Assert.True(Math.Abs(x[i] - expected[i]) < 2e-7, $"sin at index {i}: {x[i]:R} vs {expected[i]:R}");
        }

        Assert.True(float.IsNaN(x[6]) && float.IsNaN(x[7]) && float.IsNaN(x[8]), "NaN and infinities give NaN");
    }

    [Fact]
    public void Vector_and_scalar_paths_agree_bit_for_bit()
    {
        var random = new Random(7);
        float[] x = Enumerable.Range(0, 1000).Select(_ => (float)((random.NextDouble() * 60) - 30)).ToArray();
        float[] y = new float[x.Length];
        Sine.Sin(x, y);
        for (int i = 0; i < x.Length; i++)
        {
            Assert.Equal(Sine.SinScalar(x[i]), y[i]);
        }
    }
}
