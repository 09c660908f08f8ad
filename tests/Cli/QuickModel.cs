using FoolingCluster.Models.Architectures;
using FoolingCluster.Models.Checkpoints;
using FoolingCluster.Models.Data;
using FoolingCluster.Models.Training;
using FoolingCluster.Tensors;
using FoolingCluster.Tensors.Autograd;
using FoolingCluster.Tests.Shared;

namespace FoolingCluster.Cli.Tests;

/// <summary>A quickly trained LeNet for commands that need a real model, and its predictions.</summary>
internal static class QuickModel
{
    /// <summary>A LeNet trained for one epoch on 3,000 digits (about 90 %), saved with its sidecar.</summary>
    public static (string Path, LeNet Net) Train(TempDirectory scratch)
    {
        var config = new TrainingConfig { Epochs = 1, Seed = 5, LearningRate = 0.03f };
        var net = new LeNet(config.Seed);
        Trainer.Train(net, config, MnistDataset.Load(CliHarness.Mnist, MnistSplit.Train, limit: 3000), test: null);
        net.Eval();
        string path = scratch.File("lenet.safetensors");
        ModelCheckpoint.Save(net, path, config, null);
        return (path, net);
    }

    /// <summary>The top class of each 28×28 image.</summary>
    public static int[] Predict(LeNet net, float[] images)
    {
        using TensorScope scope = TensorScope.Begin();
        using NoGradScope noGrad = NoGradScope.Begin();
        int n = images.Length / 784;
        Tensor logits = net.Forward(Tensor.FromArray(images, n, 1, 28, 28));
        return Enumerable.Range(0, n).Select(i => Evaluation.ArgMax(logits.Span.Slice(i * 10, 10))).ToArray();
    }
}
