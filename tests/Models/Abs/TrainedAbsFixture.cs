using System.Diagnostics;
using FoolingCluster.Models.Abs;
using FoolingCluster.Models.Data;
using FoolingCluster.Tests.Shared;

namespace FoolingCluster.Models.Tests.Abs;

/// <summary>
/// A small ABS model trained once for the tests that need a real one: all ten VAEs on the first
/// 15,000 MNIST training images (about 1,500 per class) for two epochs, side by side on all
/// cores. Cheap enough to train on every test run, so those tests cannot silently skip.
/// </summary>
public sealed class TrainedAbsFixture
{
    /// <summary>How the fixture's VAEs are trained.</summary>
    public static readonly AbsTrainingConfig Config = new() { Epochs = 2, TrainSubset = 15_000, Seed = 1 };

    public TrainedAbsFixture()
    {
        string mnist = Path.Combine(RepositoryRoot.Find(), MnistDataset.DefaultDirectory);
        ImageDataset train = MnistDataset.Load(mnist, MnistSplit.Train, Config.TrainSubset);
        Test = MnistDataset.Load(mnist, MnistSplit.Test, 500);
        var clock = Stopwatch.StartNew();
        (ClassVae[] vaes, _) = AbsTrainer.Train(Config, train);
        TrainingSeconds = clock.Elapsed.TotalSeconds;
        Model = new AbsModel(vaes, new AbsSettings());
    }

    /// <summary>ABS with the paper's inference settings.</summary>
    public AbsModel Model { get; }

    /// <summary>The first 500 MNIST test images.</summary>
    public ImageDataset Test { get; }

    /// <summary>How long training took, for failure messages.</summary>
    public double TrainingSeconds { get; }
}
