using FoolingCluster.Tensors;
using FoolingCluster.Tensors.NN;
using FoolingCluster.Tensors.Ops;

namespace FoolingCluster.Models.Architectures;

/// <summary>Multi-layer perceptron 784-256-256-10 with ReLU, for comparisons and transfer attacks.</summary>
/// <remarks>
/// Input <c>[N,1,28,28]</c> in [0,1] (flattened inside); output logits <c>[N,10]</c>. Built for
/// another input shape (<c>[N,C,H,W]</c>, C·H·W inputs) and class count, it is also the smallest
/// network of any image size, e.g. a seeded colour classifier of 1,000 classes for tests.
/// </remarks>
public sealed class Mlp : Module
{
    private readonly Linear _fc1;
    private readonly Linear _fc2;
    private readonly Linear _fc3;

    /// <summary>Creates the network with PyTorch's default initialisation from <paramref name="seed"/>.</summary>
    /// <param name="seed">Seed of the initial weights.</param>
    /// <param name="classes">Outputs.</param>
    /// <param name="inputs">Values per image, C·H·W: 784 for MNIST.</param>
    public Mlp(int seed, int classes = 10, int inputs = 28 * 28)
    {
        var rng = new Random(seed);
        _fc1 = RegisterModule("fc1", new Linear(inputs, 256, rng));
        _fc2 = RegisterModule("fc2", new Linear(256, 256, rng));
        _fc3 = RegisterModule("fc3", new Linear(256, classes, rng));
    }

    /// <summary><c>[N,1,28,28] → [N,10]</c> logits.</summary>
    public override Tensor Forward(Tensor x)
    {
        Tensor h = Functional.Relu(_fc1.Forward(Functional.Flatten(x)));
        h = Functional.Relu(_fc2.Forward(h));
        return _fc3.Forward(h);
    }
}
