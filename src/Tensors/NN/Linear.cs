using FoolingCluster.Tensors.Ops;

namespace FoolingCluster.Tensors.NN;

/// <summary>Fully connected layer, <c>y = x Wᵀ + b</c>; weight <c>[out,in]</c>, bias <c>[out]</c>.</summary>
public sealed class Linear : Module
{
    /// <summary>Creates the layer with PyTorch's default initialisation.</summary>
    public Linear(int inFeatures, int outFeatures, Random rng, bool bias = true)
    {
        float bound = Init.DefaultBound(inFeatures);
        Weight = RegisterParameter("weight", Init.Uniform(rng, bound, outFeatures, inFeatures));
        Bias = bias ? RegisterParameter("bias", Init.Uniform(rng, bound, outFeatures)) : null;
    }

    /// <summary><c>[out,in]</c>.</summary>
    public Tensor Weight { get; }

    /// <summary><c>[out]</c>, or null.</summary>
    public Tensor? Bias { get; }

    /// <summary><c>[N,in] → [N,out]</c>.</summary>
    public override Tensor Forward(Tensor x) => Functional.Linear(x, Weight, Bias);
}
