using FoolingCluster.Models.Abs;
using Xunit;

namespace FoolingCluster.Models.Tests.Abs;

/// <summary>The first stage of inference: the best decoded prior sample per image and class, by one matrix product.</summary>
public class PrototypeBankTests
{
    [Fact]
    public void Search_finds_the_sample_a_direct_comparison_finds()
    {
        FrozenDecoder[] decoders = [new(FrozenDecoderTests.VaeWithNontrivialNorms(21)), new(FrozenDecoderTests.VaeWithNontrivialNorms(22))];
        float[] latents = LatentPrior.Draw(300, 0.1, seed: 9);
        const float beta = 1f;
        var bank = new PrototypeBank(decoders, latents, beta, threads: 2);

        var rng = new Random(8);
        const int n = 6;
        float[] images = Enumerable.Range(0, n * ClassVae.ImageSize).Select(_ => rng.NextSingle()).ToArray();
        for (int c = 0; c < decoders.Length; c++)
        {
            var best = new int[n];
            var value = new float[n];
            bank.Search(c, images, n, bank.CreateScratch(n), best, value);

            DecoderWorkspace workspace = decoders[c].CreateWorkspace(300);
            decoders[c].Forward(latents, 300, workspace);
            for (int i = 0; i < n; i++)
            {
                double[] direct = Enumerable.Range(0, 300).Select(s => Elbo(images.AsSpan(i * 784, 784), workspace.Image.AsSpan(s * 784, 784), latents.AsSpan(s * 8, 8), beta)).ToArray();
                int expected = Array.IndexOf(direct, direct.Min());
                Assert.True(best[i] == expected || Math.Abs(direct[best[i]] - direct[expected]) < 1e-3, $"class {c}, image {i}: sample {best[i]} ({direct[best[i]]}) instead of {expected} ({direct[expected]})");
                Assert.Equal(direct[expected], value[i], 0.01);
            }
        }
    }

    private static double Elbo(ReadOnlySpan<float> x, ReadOnlySpan<float> r, ReadOnlySpan<float> z, float beta)
    {
        double sum = 0;
        for (int p = 0; p < x.Length; p++)
        {
            sum += (x[p] - r[p]) * (x[p] - r[p]);
        }

        double prior = 0;
        foreach (float v in z)
        {
            prior += v * v;
        }

        return sum + (beta * 0.5 * prior);
    }
}
