using FoolingCluster.Models.Abs;
using FoolingCluster.Tensors;
using FoolingCluster.Tensors.Autograd;
using FoolingCluster.Tensors.Ops;
using Xunit;

namespace FoolingCluster.Models.Tests.Abs;

/// <summary>
/// The inference decoder (batch-norm folded, kernels called directly) against the module it
/// was folded from, run on the tape: same images, same latent gradients.
/// </summary>
public class FrozenDecoderTests
{
    [Fact]
    public void Folded_decoder_draws_the_images_of_the_module_with_batch_norm()
    {
        ClassVae vae = VaeWithNontrivialNorms(seed: 11);
        var rng = new Random(5);
        float[] z = RandomValues(rng, 7 * ClassVae.LatentSize, 1.5f);
        Tensor expected = vae.Decode(Tensor.FromArray(z, 7, ClassVae.LatentSize, 1, 1));

        var decoder = new FrozenDecoder(vae);
        DecoderWorkspace workspace = decoder.CreateWorkspace(8);
        decoder.Forward(z, 7, workspace);

        float[] actual = workspace.Image.AsSpan(0, 7 * ClassVae.ImageSize).ToArray();
        AssertClose(expected.ToArray(), actual, 1e-5f);
    }

    [Fact]
    public void Latent_gradient_matches_the_tape()
    {
        ClassVae vae = VaeWithNontrivialNorms(seed: 12);
        var rng = new Random(6);
        const int n = 5;
        float[] z = RandomValues(rng, n * ClassVae.LatentSize, 1.5f);
        float[] weights = RandomValues(rng, n * ClassVae.ImageSize, 1f);

        Tensor zt = Tensor.FromArray(z, n, ClassVae.LatentSize, 1, 1);
        zt.RequiresGrad = true;
        Tensor loss = Functional.Sum(Functional.Mul(vae.Decode(zt), Tensor.FromArray(weights, n, 1, 28, 28)));
        float[] expected = Tape.Grad(loss, zt).ToArray();

        var decoder = new FrozenDecoder(vae);
        DecoderWorkspace workspace = decoder.CreateWorkspace(n);
        decoder.Forward(z, n, workspace);
        var actual = new float[n * ClassVae.LatentSize];
        decoder.LatentGradient(weights, n, workspace, actual);

        AssertClose(expected, actual, 1e-4f);
    }

    /// <summary>A VAE in evaluation mode whose batch-norms are far from the identity, so folding them is tested.</summary>
    internal static ClassVae VaeWithNontrivialNorms(int seed)
    {
        var vae = new ClassVae(seed);
        var rng = new Random(seed);
        foreach ((string name, Tensor t) in vae.StateDict())
        {
            if (!name.StartsWith("decoder.", StringComparison.Ordinal) || t.Rank != 1)
            {
                continue;
            }

            for (int i = 0; i < t.Size; i++)
            {
                t[i] = name.EndsWith("running_var", StringComparison.Ordinal) ? 0.2f + rng.NextSingle()
                    : name.EndsWith("weight", StringComparison.Ordinal) ? 0.5f + rng.NextSingle()
                    : (rng.NextSingle() - 0.5f) * 0.6f;
            }
        }

        vae.Eval();
        return vae;
    }

    internal static float[] RandomValues(Random rng, int count, float scale) =>
        Enumerable.Range(0, count).Select(_ => (float)((rng.NextDouble() * 2) - 1) * scale).ToArray();

    internal static void AssertClose(float[] expected, float[] actual, float tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        float scale = Math.Max(1e-3f, expected.Max(MathF.Abs));
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(MathF.Abs(expected[i] - actual[i]) <= tolerance * scale, $"element {i}: expected {expected[i]}, got {actual[i]} (tolerance {tolerance * scale})");
        }
    }
}
