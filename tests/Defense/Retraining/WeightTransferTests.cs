using FoolingCluster.Defense.Retraining;
using FoolingCluster.Models.Architectures;
using FoolingCluster.Tensors;
using FoolingCluster.Tensors.Autograd;
using Xunit;

namespace FoolingCluster.Defense.Tests.Retraining;

/// <summary>Fine-tuning into a network with a fooling class keeps the trained network's scores for the real classes.</summary>
public class WeightTransferTests
{
    [Fact]
    public void The_real_classes_logits_are_the_trained_networks()
    {
        var trained = new LeNet(4);
        var wider = new LeNet(5, classes: 11);

        WeightTransfer.Copy(trained, wider);

        using TensorScope scope = TensorScope.Begin();
        using NoGradScope noGrad = NoGradScope.Begin();
        var random = new Random(6);
        Tensor x = Tensor.FromArray([.. Enumerable.Range(0, 3 * 784).Select(_ => random.NextSingle())], 3, 1, 28, 28);
        trained.Eval();
        wider.Eval();
        float[] a = trained.Forward(x).ToArray();
        float[] b = wider.Forward(x).ToArray();
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(a.AsSpan(i * 10, 10).ToArray(), b.AsSpan(i * 11, 10).ToArray());
        }
    }

    [Fact]
    public void Networks_of_other_shapes_are_refused()
    {
        Assert.Throws<ShapeMismatchException>(() => WeightTransfer.Copy(new LeNet(1, classes: 11), new LeNet(1)));
        Assert.Throws<ShapeMismatchException>(() => WeightTransfer.Copy(new Mlp(1), new LeNet(1, classes: 11)));
    }
}
