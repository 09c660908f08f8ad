using FoolingCluster.Attacks.Abs;
using FoolingCluster.Attacks.Criteria;
using FoolingCluster.Attacks.Distances;
using FoolingCluster.Attacks.Minimization;
using FoolingCluster.Models.Abs;
using FoolingCluster.Models.Data;
using FoolingCluster.Tensors;
using FoolingCluster.Tests.Shared;
using Xunit;

namespace FoolingCluster.Attacks.Tests;

/// <summary>A small ABS model, trained once for the attack tests: one epoch on 5,000 digits, and cheap inference settings.</summary>
public sealed class SmallAbsFixture
{
    public SmallAbsFixture()
    {
        string mnist = Path.Combine(RepositoryRoot.Find(), MnistDataset.DefaultDirectory);
        var config = new AbsTrainingConfig { Epochs = 1, TrainSubset = 5_000, Seed = 3 };
        (ClassVae[] vaes, _) = AbsTrainer.Train(config, MnistDataset.Load(mnist, MnistSplit.Train, config.TrainSubset));
        Model = new AbsModel(vaes, new AbsSettings { Samples = 1000, Steps = 10 });
        Test = MnistDataset.Load(mnist, MnistSplit.Test, 12);
    }

    public AbsModel Model { get; }

    public ImageDataset Test { get; }
}

/// <summary>
/// The Latent Descent attack on ABS: its adversarials are images in [0,1] that ABS itself (asked
/// again here) no longer gives their label, at the distance reported, and it refuses other models.
/// </summary>
public class LatentDescentTests(SmallAbsFixture abs) : IClassFixture<SmallAbsFixture>
{
    [Fact]
    public void Adversarials_are_valid_images_that_abs_misclassifies_at_the_reported_distance()
    {
        var model = new AbsAttackModel(abs.Model, probes: 20);
        int[] labels = [.. abs.Test.Labels.Select(l => (int)l)];
        Tensor inputs = abs.Test.AsTensor();

        MinimizationResult result = new LatentDescent(Distance.L2, steps: 30).Minimize(model, inputs, new Misclassification(labels));

        float[] adversarials = result.Adversarials.ToArray();
        Assert.All(adversarials, v => Assert.InRange(v, 0f, 1f));
        int[] predicted = Predict(adversarials, labels.Length);
        int[] clean = Predict(abs.Test.Images, labels.Length);
        Assert.True(result.SuccessRate >= 0.5, $"Latent Descent fooled {result.SuccessRate:P0} of {labels.Length}");
        for (int i = 0; i < labels.Length; i++)
        {
            double l2 = Math.Sqrt(Enumerable.Range(i * 784, 784).Sum(j => Math.Pow(adversarials[j] - abs.Test.Images[j], 2)));
            if (result.Success[i])
            {
                Assert.NotEqual(labels[i], predicted[i]);
                Assert.Equal(l2, result.Distances[i], 3);
                Assert.True(clean[i] != labels[i] || l2 > 0);
            }
            else
            {
                Assert.Equal(0, l2);
                Assert.Equal(double.PositiveInfinity, result.Distances[i]);
            }
        }
    }

    [Fact]
    public void Other_models_are_refused_by_name()
    {
        var ex = Assert.Throws<InvalidInputException>(() => new LatentDescent(Distance.L2).Minimize(new ModuleAttackModel(new Models.Architectures.LeNet(1)), abs.Test.AsTensor(), new Misclassification([.. abs.Test.Labels.Select(l => (int)l)])));
        Assert.Contains("ABS models only", ex.Message);
    }

    private int[] Predict(float[] images, int n)
    {
        using TensorScope scope = TensorScope.Begin();
        return Criterion.Predictions(abs.Model.Forward(Tensor.Wrap([.. images], n, 1, 28, 28)));
    }
}
