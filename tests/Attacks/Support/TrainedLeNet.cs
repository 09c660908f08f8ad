using FoolingCluster.Models.Architectures;
using FoolingCluster.Models.Data;
using FoolingCluster.Models.Training;
using FoolingCluster.Tensors;
using FoolingCluster.Tests.Shared;
using Xunit;

namespace FoolingCluster.Attacks.Tests.Support;

/// <summary>
/// A LeNet trained for two epochs on 10,000 MNIST digits (about 97 % on the test set, a few
/// seconds), and the first test images to attack. Built once for every test of the collection.
/// </summary>
public sealed class TrainedLeNet
{
    /// <summary>Test images attacked by the table-driven tests.</summary>
    public const int TestImages = 500;

    public TrainedLeNet()
    {
        string mnist = Path.Combine(RepositoryRoot.Find(), MnistDataset.DefaultDirectory);
        ImageDataset train = MnistDataset.Load(mnist, MnistSplit.Train, limit: 10_000);
        Test = MnistDataset.Load(mnist, MnistSplit.Test, limit: TestImages);
        var config = new TrainingConfig { Epochs = 2, Seed = 3, LearningRate = 0.03f };
        Net = new LeNet(config.Seed);
        Trainer.Train(Net, config, train, test: null);
        Net.Eval();
        Model = new ModuleAttackModel(Net);
    }

    /// <summary>The trained network, in evaluation mode.</summary>
    public LeNet Net { get; }

    /// <summary>The network as an attack target.</summary>
    public ModuleAttackModel Model { get; }

    /// <summary>The first <see cref="TestImages"/> test images and labels.</summary>
    public ImageDataset Test { get; }

    /// <summary>The test labels as class indices.</summary>
    public int[] Labels => Test.Labels.Select(l => (int)l).ToArray();

    /// <summary>The test images as a tensor <c>[N,1,28,28]</c> over a copy of the pixels.</summary>
    public Tensor Images() => Tensor.Wrap(Test.Images.ToArray(), Test.Count, 1, 28, 28);

    /// <summary>Accuracy of <see cref="Net"/> on images with the test labels, through the evaluation path, not the attack's.</summary>
    public double Accuracy(float[] images) =>
        Evaluation.Evaluate(Net, new ImageDataset(images, Test.Labels, 1, 28, 28)).Accuracy;
}

[CollectionDefinition(Name)]
public sealed class TrainedLeNetGroup : ICollectionFixture<TrainedLeNet>
{
    public const string Name = "trained LeNet";
}
