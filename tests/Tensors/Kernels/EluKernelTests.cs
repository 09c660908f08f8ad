using FoolingCluster.Tensors.Kernels;
using Xunit;

namespace FoolingCluster.Tensors.Tests.Kernels;

/// <summary>The vectorised ELU and its derivative against the scalar definition, for every length that hits each vector width and tail.</summary>
public class EluKernelTests
{
    [Theory]
    [InlineData(1f)]
    [InlineData(0.7f)]
    [InlineData(1.6f)]
    public void Elu_and_its_backward_match_the_scalar_definition_for_every_length(float alpha)
    {
        var rng = new Random(3);
        for (int length = 0; length <= 600; length += length < 260 ? 1 : 113)
        {
            float[] x = Enumerable.Range(0, length).Select(_ => (rng.NextSingle() - 0.5f) * 8f).ToArray();
            float[] g = Enumerable.Range(0, length).Select(_ => rng.NextSingle() - 0.5f).ToArray();
            var y = new float[length];
            Activation.Elu(x, alpha, y);
            var gx = new float[length];
            Activation.EluBackward(x, y, alpha, g, gx);
            for (int i = 0; i < length; i++)
            {
                float expected = x[i] > 0 ? x[i] : alpha * (MathF.Exp(x[i]) - 1f);
                Assert.True(MathF.Abs(expected - y[i]) <= 1e-6f * (1 + MathF.Abs(expected)), $"length {length}, element {i}: elu({x[i]}) = {expected}, got {y[i]}");
                float slope = x[i] > 0 ? 1f : y[i] + alpha;
                Assert.Equal(g[i] * slope, gx[i], 6);
            }
        }
    }

    [Fact]
    public void Elu_with_its_derivative_matches_the_definition_for_every_length_and_passes_positives_through()
    {
        var rng = new Random(4);
        for (int length = 0; length <= 600; length += length < 260 ? 1 : 113)
        {
            float[] x = Enumerable.Range(0, length).Select(_ => (rng.NextSingle() - 0.5f) * 8f).ToArray();
            float[] a = [.. x];
            var y = new float[length];
            Activation.EluWithDerivative(a, y);
            for (int i = 0; i < length; i++)
            {
                double slope = Math.Exp(Math.Min(x[i], 0f));
                Assert.True(Math.Abs(slope - a[i]) <= 4e-7 * slope, $"length {length}, element {i}: e^min({x[i]}, 0) = {slope}, got {a[i]}");
                if (x[i] > 0)
                {
                    Assert.Equal(x[i], y[i]);
                    Assert.Equal(1f, a[i]);
                }
                else
                {
                    Assert.True(Math.Abs((slope - 1) - y[i]) <= 1e-6 * (1 + Math.Abs(slope - 1)), $"length {length}, element {i}: elu({x[i]}) = {slope - 1}, got {y[i]}");
                }
            }
        }
    }

    [Fact]
    public void Elu_works_in_place_and_keeps_nan()
    {
        float[] x = [-1f, 0f, 2f, float.NaN, -30f];
        Activation.Elu(x, 1f, x);
        Assert.Equal(MathF.Exp(-1f) - 1f, x[0], 1e-6f);
        Assert.Equal(0f, x[1], 1e-6f);
        Assert.Equal(2f, x[2]);
        Assert.True(float.IsNaN(x[3]));
        Assert.Equal(-1f, x[4], 1e-6f);
    }
}
