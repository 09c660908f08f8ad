namespace FoolingCluster.Tensors.Autograd;

/// <summary>
/// Computes the gradients of an op's inputs from the gradient of its output.
/// </summary>
/// <param name="gradOutput">dL/d(output), same shape as the output.</param>
/// <param name="needsGrad">needsGrad[i] is true when input i needs a gradient; an op skips the rest.</param>
/// <param name="gradInputs">gradInputs[i] receives dL/d(input i) (same shape as input i), or stays null.</param>
public delegate void BackwardFunction(Tensor gradOutput, ReadOnlySpan<bool> needsGrad, Tensor?[] gradInputs);

/// <summary>One recorded op on the tape: its inputs and how to send a gradient back to them.</summary>
internal sealed class GradNode(string name, Tensor[] inputs, BackwardFunction backward)
{
    public string Name { get; } = name;

    public Tensor[] Inputs { get; } = inputs;

    public BackwardFunction Backward { get; } = backward;
}
