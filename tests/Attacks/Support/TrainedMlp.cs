using FoolingCluster.Models.Architectures;
using FoolingCluster.Models.Data;
using FoolingCluster.Models.Training;
using FoolingCluster.Tests.Shared;

namespace FoolingCluster.Attacks.Tests.Support;

/// <summary>
/// A 784-256-256-10 perceptron trained for one epoch on 10,000 MNIST digits (about 90 % on the
/// test set, a second or two): an architecture other than LeNet to transfer adversarials to.
/// </summary>
public sealed class TrainedMlp
{
    public TrainedMlp()
    {
        string mnist = Path.Combine(RepositoryRoot.Find(), MnistDataset.DefaultDirectory);
        ImageDataset train = MnistDataset.Load(mnist, MnistSplit.Train, limit: 10_000);
        var config = new TrainingConfig { Model = "mlp", Epochs = 1, Seed = 4, LearningRate = 0.03f };
        Net = new Mlp(config.Seed);
        Trainer.Train(Net, config, train, test: null);
        Net.Eval();
        Model = new ModuleAttackModel(Net);
    }

    /// <summary>The trained network, in evaluation mode.</summary>
    public Mlp Net { get; }

    /// <summary>The network as an attack target.</summary>
    public ModuleAttackModel Model { get; }
}
