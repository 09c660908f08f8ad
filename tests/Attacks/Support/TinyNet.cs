using FoolingCluster.Tensors;
using FoolingCluster.Tensors.NN;
using FoolingCluster.Tensors.Ops;

namespace FoolingCluster.Attacks.Tests.Support;

/// <summary>A smooth two-layer network on 1×3×4 images with 3 classes: small enough to differentiate numerically.</summary>
internal sealed class TinyNet : Module
{
    public const int Pixels = 12;
    public const int Classes = 3;

    private readonly Linear _fc1;
    private readonly Linear _fc2;

    public TinyNet(int seed)
    {
        var rng = new Random(seed);
        _fc1 = RegisterModule("fc1", new Linear(Pixels, 8, rng));
        _fc2 = RegisterModule("fc2", new Linear(8, Classes, rng));
    }

    public override Tensor Forward(Tensor x) => _fc2.Forward(Functional.Tanh(_fc1.Forward(Functional.Flatten(x))));

    /// <summary>Per-sample cross-entropy on the inference path.</summary>
    public float[] Losses(float[] images, int[] labels)
    {
        using TensorScope scope = TensorScope.Begin();
        using var noGrad = Tensors.Autograd.NoGradScope.Begin();
        Tensor logits = Forward(Tensor.FromArray(images, labels.Length, 1, 3, 4));
        return Functional.CrossEntropy(logits, labels, Reduction.None).ToArray();
    }

    /// <summary>Random images with every value in [0.2, 0.8], so a step of 0.1 never meets the bounds.</summary>
    public static float[] Images(int count, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, count * Pixels).Select(_ => 0.2f + (0.6f * rng.NextSingle())).ToArray();
    }
}
