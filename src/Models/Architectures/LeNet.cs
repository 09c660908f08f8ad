using FoolingCluster.Tensors;
using FoolingCluster.Tensors.NN;
using FoolingCluster.Tensors.Ops;

namespace FoolingCluster.Models.Architectures;

/// <summary>
/// Caffe's LeNet for MNIST, the target network of Nguyen, Yosinski &amp; Clune (CVPR 2015):
/// conv 20@5×5 → max-pool 2 → conv 50@5×5 → max-pool 2 → fc 500 → ReLU → fc 10.
/// Like Caffe's <c>lenet_train_test.prototxt</c>, there is no non-linearity after the convolutions.
/// </summary>
/// <remarks>Input <c>[N,1,28,28]</c> in [0,1]; output logits <c>[N,10]</c>.</remarks>
public sealed class LeNet : Module
{
    private readonly Conv2d _conv1;
    private readonly Conv2d _conv2;
    private readonly Linear _fc1;
    private readonly Linear _fc2;

    /// <summary>Creates the network with PyTorch's default initialisation from <paramref name="seed"/>.</summary>
    public LeNet(int seed, int classes = 10)
    {
        var rng = new Random(seed);
        _conv1 = RegisterModule("conv1", new Conv2d(1, 20, 5, rng));
        _conv2 = RegisterModule("conv2", new Conv2d(20, 50, 5, rng));
        _fc1 = RegisterModule("fc1", new Linear(50 * 4 * 4, 500, rng));
        _fc2 = RegisterModule("fc2", new Linear(500, classes, rng));
    }

    /// <summary><c>[N,1,28,28] → [N,10]</c> logits.</summary>
    public override Tensor Forward(Tensor x)
    {
        Tensor h = Functional.MaxPool2d(_conv1.Forward(x), 2, 2);
        h = Functional.MaxPool2d(_conv2.Forward(h), 2, 2);
        h = Functional.Relu(_fc1.Forward(Functional.Flatten(h)));
        return _fc2.Forward(h);
    }
}
