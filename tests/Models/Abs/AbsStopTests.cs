using FoolingCluster.Models.Abs;
using FoolingCluster.Tensors;
using Xunit;

namespace FoolingCluster.Models.Tests.Abs;

/// <summary>
/// ABS inference observes the caller's <see cref="StopScope"/>: a cancelled token stops it
/// inside the call, and an uncancelled one changes nothing, to the last bit.
/// </summary>
public class AbsStopTests
{
    // Fewer prior samples than the paper's keep these cheap; untrained VAEs do as well as trained ones here.
    private static readonly AbsSettings Cheap = new() { Samples = 500, Steps = 20 };

    private static AbsModel Untrained() => new([.. Enumerable.Range(0, AbsModel.Classes).Select(c => new ClassVae(seed: 40 + c))], Cheap);

    private static float[] Images(int count)
    {
        var random = new Random(11);
        return [.. Enumerable.Range(0, count * ClassVae.ImageSize).Select(_ => (float)random.NextDouble())];
    }

    [Fact]
    public void Inference_in_an_uncancelled_scope_is_bit_identical_to_inference_outside_one()
    {
        float[] images = Images(40);
        AbsInference plain = Untrained().Infer(images, 40);
        using var source = new CancellationTokenSource();
        AbsInference scoped;
        using (StopScope.Begin(source.Token))
        {
            scoped = Untrained().Infer(images, 40);
        }

        Assert.Equal(plain.Elbos, scoped.Elbos);
        Assert.Equal(plain.Latents, scoped.Latents);
    }

    [Fact]
    public void A_cancelled_scope_stops_inference_and_the_model_still_answers_afterwards()
    {
        float[] images = Images(3);
        AbsModel model = Untrained();
        using var source = new CancellationTokenSource();
        source.Cancel();
        using (StopScope.Begin(source.Token))
        {
            // Stopped while the prior samples are decoded: no half-decoded bank may be kept.
            Assert.ThrowsAny<OperationCanceledException>(() => model.Infer(images, 3));
        }

        Assert.Equal(Untrained().Infer(images, 3).Elbos, model.Infer(images, 3).Elbos);
    }

    [Fact]
    public void The_latent_refinement_checks_the_token_before_every_step_and_leaves_its_outputs_alone()
    {
        var vae = new ClassVae(seed: 40);
        var decoder = new FrozenDecoder(vae);
        float[] images = Images(2);
        float[] latents = [.. Enumerable.Repeat(0.5f, 2 * ClassVae.LatentSize)];
        float[] elbo = [7f, 7f];
        using var source = new CancellationTokenSource();
        source.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() =>
            LatentRefinement.Refine(decoder, images, 2, latents, elbo, Cheap, decoder.CreateWorkspace(2), source.Token));
        Assert.All(latents, v => Assert.Equal(0.5f, v));
        Assert.Equal([7f, 7f], elbo);
    }
}
