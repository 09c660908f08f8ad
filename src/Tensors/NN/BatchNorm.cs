using FoolingCluster.Tensors.Ops;

namespace FoolingCluster.Tensors.NN;

/// <summary>
/// Batch normalisation over channel 1 of <c>[N,C]</c> or <c>[N,C,H,W]</c>, PyTorch's
/// <c>BatchNorm1d</c>/<c>BatchNorm2d</c> with the same state names.
/// </summary>
public sealed class BatchNorm : Module
{
    private readonly float _momentum;
    private readonly float _eps;

    /// <summary>Creates the layer: γ = 1, β = 0, running mean 0, running variance 1.</summary>
    public BatchNorm(int channels, float momentum = 0.1f, float eps = 1e-5f)
    {
        _momentum = momentum;
        _eps = eps;
        Weight = RegisterParameter("weight", Init.Constant(1f, channels));
        Bias = RegisterParameter("bias", Init.Constant(0f, channels));
        RunningMean = RegisterBuffer("running_mean", Init.Constant(0f, channels));
        RunningVar = RegisterBuffer("running_var", Init.Constant(1f, channels));
        BatchesTracked = RegisterBuffer("num_batches_tracked", Init.Constant(0f));
    }

    /// <summary>γ, <c>[C]</c>.</summary>
    public Tensor Weight { get; }

    /// <summary>β, <c>[C]</c>.</summary>
    public Tensor Bias { get; }

    /// <summary><c>[C]</c>.</summary>
    public Tensor RunningMean { get; }

    /// <summary><c>[C]</c>.</summary>
    public Tensor RunningVar { get; }

    /// <summary>Scalar count of training batches seen, kept for PyTorch compatibility.</summary>
    public Tensor BatchesTracked { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x)
    {
        if (Training)
        {
            BatchesTracked[0] += 1;
        }

        return Functional.BatchNorm(x, Weight, Bias, RunningMean, RunningVar, Training, _momentum, _eps);
    }
}
