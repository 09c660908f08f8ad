using FoolingCluster.Models.Architectures;
using FoolingCluster.Models.Checkpoints;
using FoolingCluster.Models.Data;
using FoolingCluster.Tests.Shared;
using FoolingCluster.Models.Training;
using FoolingCluster.Tensors;
using Xunit;

namespace FoolingCluster.Models.Tests.Training;

/// <summary>Real MNIST, small budgets: the engine must learn, and what it saves must load back.</summary>
public class ShortTrainingTests
{
    private static readonly string s_mnist = Path.Combine(RepositoryRoot.Find(), MnistDataset.DefaultDirectory);

    [Fact]
    public void LeNet_trained_on_a_subset_exceeds_95_percent_on_held_out_digits()
    {
        ImageDataset train = MnistDataset.Load(s_mnist, MnistSplit.Train, limit: 10_000);
        ImageDataset heldOut = MnistDataset.Load(s_mnist, MnistSplit.Test, limit: 2000);
        var config = new TrainingConfig { Epochs = 2, Seed = 3, LearningRate = 0.03f };
        var net = new LeNet(config.Seed);
        IReadOnlyList<EpochRecord> history = Trainer.Train(net, config, train, test: null);

        EvaluationResult result = Evaluation.Evaluate(net, heldOut);
        int correct = 0;
        for (int i = 0; i < 10; i++)
        {
            correct += result.Confusion[i, i];
        }

        Assert.Equal(correct, result.Correct);
        Assert.Equal(2000, result.Count);
        Assert.True(result.Accuracy > 0.95, $"held-out accuracy {result.Accuracy:P2}");
        Assert.True(history[1].Loss < history[0].Loss, "loss fell from epoch 1 to epoch 2");

        // Each image's confidence is the softmax probability of its predicted class, recomputed here.
        net.Eval();
        Tensor logits = net.Forward(Tensor.FromArray(heldOut.Images.AsSpan(0, 20 * 784), 20, 1, 28, 28));
        for (int i = 0; i < 20; i++)
        {
            double[] z = [.. logits.Span.Slice(i * 10, 10).ToArray().Select(v => (double)v)];
            double top = z.Max();
            Assert.Equal(1 / z.Sum(v => Math.Exp(v - top)), result.Confidences[i], 5);
            Assert.Equal(Array.IndexOf(z, top) == heldOut.Labels[i], result.IsCorrect[i]);
        }

        int[] labels = [.. heldOut.Labels.Select(l => (int)l)];
        Assert.Equal(result.Correct, result.CorrectConfidences(labels).Length);
        Assert.Equal(result.Confusion[3, 3], result.CorrectConfidences(labels, 3).Length);
    }

    [Fact]
    public void Saved_model_loads_back_with_identical_outputs()
    {
        using var dir = new TempDirectory();
        ImageDataset train = MnistDataset.Load(s_mnist, MnistSplit.Train, limit: 640);
        var config = new TrainingConfig { Model = "mlp", Epochs = 1, Seed = 4 };
        var net = new Mlp(config.Seed);
        Trainer.Train(net, config, train, test: null);
        string path = Path.Combine(dir.Path, "mlp.safetensors");
        ModelCheckpoint.Save(net, path, config, testAccuracy: 0.5);

        LoadedModel loaded = ModelCheckpoint.Load(path);
        Assert.Equal("mlp", loaded.Sidecar.Architecture);
        Assert.Equal(0.5, loaded.Sidecar.TestAccuracy);
        net.Eval();
        Tensor x = Tensor.FromArray(train.Images.AsSpan(0, 5 * 784), 5, 1, 28, 28);
        Assert.Equal(net.Forward(x).ToArray(), loaded.Model.Forward(x).ToArray());
    }

    [Fact]
    public void A_weights_file_for_another_architecture_names_the_tensor_and_both_shapes()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "m.safetensors");
        var config = new TrainingConfig { Model = "lenet" };
        ModelCheckpoint.Save(new LeNet(1), path, config, null);

        // Rewrite the weights with a conv1 of the wrong kernel size.
        var state = new LeNet(1).StateDict().ToDictionary();
        state["conv1.weight"] = Tensor.Zeros(20, 1, 3, 3);
        Tensors.Serialization.SafeTensors.Save(path, state);
        var ex = Assert.Throws<ShapeMismatchException>(() => ModelCheckpoint.Load(path));
        Assert.Contains("conv1.weight", ex.Message);
        Assert.Contains("[20,1,3,3]", ex.Message);
        Assert.Contains("[20,1,5,5]", ex.Message);
    }

    [Fact]
    public void A_network_with_a_fooling_class_saves_and_loads_with_eleven_outputs()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "m11.safetensors");
        var net = new LeNet(2, classes: 11);
        ModelCheckpoint.Save(net, path, new TrainingConfig { Model = "lenet" }, null, classes: 11, foolingClass: 10);

        LoadedModel loaded = ModelCheckpoint.Load(path);

        Assert.Equal(11, loaded.Sidecar.Classes);
        Assert.Equal(10, loaded.Sidecar.FoolingClass);
        using TensorScope scope = TensorScope.Begin();
        using Tensors.Autograd.NoGradScope noGrad = Tensors.Autograd.NoGradScope.Begin();
        Tensor x = Tensor.Full(0.5f, 2, 1, 28, 28);
        net.Eval();
        Assert.Equal(net.Forward(x).ToArray(), loaded.Model.Forward(x).ToArray());
    }
}
