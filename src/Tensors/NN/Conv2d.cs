using FoolingCluster.Tensors.Ops;

namespace FoolingCluster.Tensors.NN;

/// <summary>2-D convolution; weight <c>[out,in,kh,kw]</c>, bias <c>[out]</c>, as PyTorch's <c>nn.Conv2d</c>.</summary>
public sealed class Conv2d : Module
{
    private readonly int _stride;
    private readonly int _padding;

    // A search evaluates the same weight millions of times: packing it for the GEMM once (again
    // after each optimiser step or load, which bump its version) took 14 % off LeNet's forward.
    private readonly ConvWeightCache _packed = new();

    /// <summary>Creates the layer with PyTorch's default initialisation (fan-in = in·kh·kw).</summary>
    public Conv2d(int inChannels, int outChannels, int kernelSize, Random rng, int stride = 1, int padding = 0, bool bias = true)
    {
        _stride = stride;
        _padding = padding;
        float bound = Init.DefaultBound(inChannels * kernelSize * kernelSize);
        Weight = RegisterParameter("weight", Init.Uniform(rng, bound, outChannels, inChannels, kernelSize, kernelSize));
        Bias = bias ? RegisterParameter("bias", Init.Uniform(rng, bound, outChannels)) : null;
    }

    /// <summary><c>[out,in,kh,kw]</c>.</summary>
    public Tensor Weight { get; }

    /// <summary><c>[out]</c>, or null.</summary>
    public Tensor? Bias { get; }

    /// <summary><c>[N,in,H,W] → [N,out,OH,OW]</c>.</summary>
    public override Tensor Forward(Tensor x) => Functional.Conv2d(x, Weight, Bias, _stride, _padding, _packed);
}

/// <summary>
/// Transposed 2-D convolution; weight <c>[in,out,kh,kw]</c>, bias <c>[out]</c>, as PyTorch's
/// <c>nn.ConvTranspose2d</c>.
/// </summary>
public sealed class ConvTranspose2d : Module
{
    private readonly int _stride;
    private readonly int _padding;
    private readonly int _outputPadding;

    /// <summary>
    /// Creates the layer with PyTorch's default initialisation; PyTorch computes the fan-in of
    /// a transposed convolution from weight dimension 1, so it is out·kh·kw.
    /// </summary>
    public ConvTranspose2d(int inChannels, int outChannels, int kernelSize, Random rng, int stride = 1, int padding = 0, int outputPadding = 0, bool bias = true)
    {
        _stride = stride;
        _padding = padding;
        _outputPadding = outputPadding;
        float bound = Init.DefaultBound(outChannels * kernelSize * kernelSize);
        Weight = RegisterParameter("weight", Init.Uniform(rng, bound, inChannels, outChannels, kernelSize, kernelSize));
        Bias = bias ? RegisterParameter("bias", Init.Uniform(rng, bound, outChannels)) : null;
    }

    /// <summary><c>[in,out,kh,kw]</c>.</summary>
    public Tensor Weight { get; }

    /// <summary><c>[out]</c>, or null.</summary>
    public Tensor? Bias { get; }

    /// <summary><c>[N,in,H,W] → [N,out,OH,OW]</c>.</summary>
    public override Tensor Forward(Tensor x) => Functional.ConvTranspose2d(x, Weight, Bias, _stride, _padding, _outputPadding);
}

/// <summary>Max-pooling over square windows.</summary>
public sealed class MaxPool2d(int kernelSize, int stride) : Module
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor x) => Functional.MaxPool2d(x, kernelSize, stride);
}
