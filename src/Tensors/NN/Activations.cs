using FoolingCluster.Tensors.Ops;

namespace FoolingCluster.Tensors.NN;

/// <summary>ReLU as a module.</summary>
public sealed class ReLU : Module
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor x) => Functional.Relu(x);
}

/// <summary>ELU as a module.</summary>
public sealed class ELU(float alpha = 1f) : Module
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor x) => Functional.Elu(x, alpha);
}

/// <summary>Sigmoid as a module.</summary>
public sealed class Sigmoid : Module
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor x) => Functional.Sigmoid(x);
}

/// <summary>Tanh as a module.</summary>
public sealed class Tanh : Module
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor x) => Functional.Tanh(x);
}

/// <summary><c>[N, …] → [N, prod(…)]</c>.</summary>
public sealed class Flatten : Module
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor x) => Functional.Flatten(x);
}

/// <summary>Inverted dropout; the identity in evaluation mode.</summary>
public sealed class Dropout(float p, Random rng) : Module
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor x) => Functional.Dropout(x, p, Training, rng);
}
