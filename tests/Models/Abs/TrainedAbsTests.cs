using FoolingCluster.Models.Abs;
using FoolingCluster.Models.Checkpoints;
using FoolingCluster.Models.Data;
using FoolingCluster.Models.Training;
using FoolingCluster.Tensors;
using FoolingCluster.Tensors.Autograd;
using FoolingCluster.Tests.Shared;
using Xunit;

namespace FoolingCluster.Models.Tests.Abs;

/// <summary>A really trained ABS model (<see cref="TrainedAbsFixture"/>): what each VAE learned, and how the model classifies.</summary>
public class TrainedAbsTests(TrainedAbsFixture trained) : IClassFixture<TrainedAbsFixture>
{
    [Fact]
    public void Each_vae_reconstructs_its_own_class_better_than_any_other_vae_does()
    {
        ImageDataset test = trained.Test;
        for (int digit = 0; digit < AbsModel.Classes; digit++)
        {
            float[] images = ImagesOf(test, digit);
            int count = images.Length / ClassVae.ImageSize;
            double[] errors = trained.Model.Vaes.Select(vae => MeanSquaredError(vae, images, count)).ToArray();
            int best = Array.IndexOf(errors, errors.Min());
            Assert.True(best == digit, $"the {count} test images of class {digit} are reconstructed best by VAE {best}: mean squared-L2 errors {string.Join(", ", errors.Select(e => e.ToString("F1", System.Globalization.CultureInfo.InvariantCulture)))}");
        }
    }

    [Fact]
    public void Inference_is_deterministic_under_its_seed()
    {
        // Fewer prior samples and passes than the paper's keep the models below cheap;
        // nothing in what is checked depends on the counts.
        AbsModel model = trained.Model.WithSettings(new AbsSettings { Samples = 1000, Steps = 10 });
        float[] images = trained.Test.Images.AsSpan(0, 12 * ClassVae.ImageSize).ToArray();
        AbsInference first = model.Infer(images, 12);
        AbsInference again = new AbsModel(trained.Model.Vaes, model.Settings).Infer(images, 12);
        Assert.Equal(first.Elbos, again.Elbos);
        Assert.Equal(first.Latents, again.Latents);

        // A batch of one image gets the answer it gets inside a batch of twelve (the first
        // stage's matrix product may round differently for one row, nothing more).
        AbsInference alone = model.Infer(images.AsSpan(5 * ClassVae.ImageSize, ClassVae.ImageSize), 1);
        for (int c = 0; c < AbsModel.Classes; c++)
        {
            Assert.Equal(first.Elbos[(5 * AbsModel.Classes) + c], alone.Elbos[c], 1e-5);
        }

        AbsInference otherSeed = model.WithSettings(model.Settings with { Seed = 8 }).Infer(images, 12);
        Assert.NotEqual(first.Latents, otherSeed.Latents);
    }

    [Fact]
    public void Even_the_cheaply_trained_model_classifies_nine_in_ten_test_images()
    {
        ImageDataset first200 = new(trained.Test.Images[..(200 * ClassVae.ImageSize)], trained.Test.Labels[..200], 1, 28, 28);
        EvaluationResult result = Evaluation.Evaluate(trained.Model, first200);
        Assert.True(result.Accuracy >= 0.9, $"clean accuracy {result.Accuracy:P2} ({result.Correct}/{result.Count}) after {trained.TrainingSeconds:F0} s of training");
    }

    /// <summary>
    /// The committed reference model (reference/abs.safetensors, the ten VAEs trained by
    /// <c>fooling abs train</c> for 22 epochs and packed with <c>fooling abs pack</c>): its
    /// accuracy is measured here, with this build's inference, not read from anywhere.
    /// </summary>
    [Fact]
    public void The_reference_model_classifies_at_least_98_percent_of_the_first_500_test_images()
    {
        LoadedModel loaded = ModelCheckpoint.Load(Path.Combine(RepositoryRoot.Find(), "reference", "abs.safetensors"));
        Assert.Equal(22, loaded.Sidecar.Training!.Epochs);
        EvaluationResult result = Evaluation.Evaluate(loaded.Model, trained.Test);
        Assert.Equal(500, result.Count);
        Assert.True(result.Accuracy >= 0.98, $"ABS clean accuracy {result.Accuracy:P2} ({result.Correct}/{result.Count})");
    }

    private static float[] ImagesOf(ImageDataset data, int digit)
    {
        var images = new List<float>();
        for (int i = 0; i < data.Count; i++)
        {
            if (data.Labels[i] == digit)
            {
                images.AddRange(data.Images.AsSpan(i * ClassVae.ImageSize, ClassVae.ImageSize).ToArray());
            }
        }

        return [.. images];
    }

    /// <summary>Mean of <c>‖x − dec(μ(x))‖²</c> over the images.</summary>
    private static double MeanSquaredError(ClassVae vae, float[] images, int count)
    {
        using TensorScope scope = TensorScope.Begin();
        using NoGradScope noGrad = NoGradScope.Begin();
        Tensor reconstruction = vae.Forward(Tensor.FromArray(images, count, 1, 28, 28));
        double sum = 0;
        ReadOnlySpan<float> r = reconstruction.Span;
        for (int i = 0; i < images.Length; i++)
        {
            sum += (images[i] - r[i]) * (images[i] - r[i]);
        }

        return sum / count;
    }
}
