using FoolingCluster.Models.Abs;
using Xunit;

namespace FoolingCluster.Models.Tests.Abs;

/// <summary>The prior samples ABS inference starts from.</summary>
public class LatentPriorTests
{
    [Fact]
    public void Keeps_the_requested_count_nearest_the_origin_and_repeats_under_its_seed()
    {
        float[] kept = LatentPrior.Draw(900, 0.1, seed: 3);
        Assert.Equal(900 * ClassVae.LatentSize, kept.Length);
        Assert.Equal(kept, LatentPrior.Draw(900, 0.1, seed: 3));
        Assert.NotEqual(kept, LatentPrior.Draw(900, 0.1, seed: 4));

        double[] norms = Enumerable.Range(0, 900).Select(i => Norm(kept.AsSpan(i * 8, 8))).ToArray();
        Assert.Equal(norms.Order().ToArray(), norms);

        // 1000 draws, the farthest 100 dismissed: every kept code is at most as far as the
        // 900th nearest of all 1000, and the draws are standard normal (mean norm² ≈ 8 before dismissal).
        float[] all = LatentPrior.Draw(1000, 0.0, seed: 3);
        double[] allNorms = Enumerable.Range(0, 1000).Select(i => Norm(all.AsSpan(i * 8, 8))).ToArray();
        Assert.Equal(allNorms[899], norms[^1], 6);
        Assert.InRange(allNorms.Average(n => n * n), 7.0, 9.0);
    }

    private static double Norm(ReadOnlySpan<float> z)
    {
        double sum = 0;
        foreach (float v in z)
        {
            sum += v * v;
        }

        return Math.Sqrt(sum);
    }
}
