using FoolingCluster.Tensors;

namespace FoolingCluster.Attacks;

/// <summary>
/// What an attack needs from a classifier: logits, and the gradient of the classification
/// loss with respect to the input images (Foolbox's model with bounds [0,1]).
/// </summary>
/// <remarks>
/// Images are <c>[N,C,H,W]</c> with values in [0,1]. Both methods take the whole batch and
/// return tensors created in the caller's <see cref="TensorScope"/>.
/// </remarks>
public interface IAttackModel
{
    /// <summary>Logits on the inference path (no tape).</summary>
    /// <param name="images"><c>[N,C,H,W]</c> in [0,1].</param>
    /// <returns><c>[N,K]</c>.</returns>
    Tensor Logits(Tensor images);

    /// <summary>
    /// Gradient of <c>Σᵢ CE(f(xᵢ), yᵢ)</c> with respect to the images: row i is the gradient of
    /// sample i's own cross-entropy, untouched by the batch size. Parameter gradients are
    /// neither computed nor changed.
    /// </summary>
    /// <param name="images"><c>[N,C,H,W]</c> in [0,1].</param>
    /// <param name="labels">N classes in [0,K): the true labels (to ascend) or the targets (to descend).</param>
    /// <returns><c>[N,C,H,W]</c>.</returns>
    Tensor LossGradient(Tensor images, ReadOnlySpan<int> labels);
}
