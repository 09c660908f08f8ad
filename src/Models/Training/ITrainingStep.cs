using FoolingCluster.Tensors;
using FoolingCluster.Tensors.NN;
using FoolingCluster.Tensors.Optim;

namespace FoolingCluster.Models.Training;

/// <summary>
/// What the trainer does with one mini-batch: compute a loss, backpropagate, update. Standard
/// training uses <see cref="StandardStep"/>; adversarial training substitutes its own objective.
/// </summary>
public interface ITrainingStep
{
    /// <summary>One optimiser step on a batch. Intermediates are freed before it returns.</summary>
    /// <param name="model">Maps <c>[B,C,H,W]</c> to logits <c>[B,K]</c>; in training mode on entry and on return.</param>
    /// <param name="optimizer">Updates the model's parameters.</param>
    /// <param name="images">The batch, <c>[B,C,H,W]</c> in [0,1]; valid only during the call.</param>
    /// <param name="labels">B labels.</param>
    /// <returns>The batch's mean loss, and how many of the images trained on were classified correctly before the update.</returns>
    (float Loss, int Correct) Step(Module model, Optimizer optimizer, Tensor images, int[] labels);
}

/// <summary>Plain supervised training: cross-entropy on the clean batch (<see cref="Trainer.Step"/>).</summary>
public sealed class StandardStep : ITrainingStep
{
    /// <summary>The one instance; the step holds no state.</summary>
    public static StandardStep Instance { get; } = new();

    private StandardStep()
    {
    }

    /// <inheritdoc/>
    public (float Loss, int Correct) Step(Module model, Optimizer optimizer, Tensor images, int[] labels) =>
        Trainer.Step(model, optimizer, images, labels);
}
