using FoolingCluster.Tensors;

namespace FoolingCluster.Attacks;

/// <summary>
/// Computes the seeds of <see cref="ILogitGradientModel.Differentiate"/> for one slice of images.
/// </summary>
/// <param name="logits"><c>[B,K]</c>: the logits of images <paramref name="first"/> to <paramref name="first"/> + B − 1; valid only during the call.</param>
/// <param name="first">Index, in the whole batch, of the slice's first image.</param>
/// <returns>S seeds, each <c>[B,K]</c>; the same S for every slice.</returns>
public delegate Tensor[] LogitSeeds(Tensor logits, int first);

/// <summary>What <see cref="ILogitGradientModel.Differentiate"/> returns.</summary>
/// <param name="Logits"><c>[N,K]</c>: the logits of the images.</param>
/// <param name="Gradients">S tensors <c>[N,C,H,W]</c>: the gradient of <c>Σᵢₖ Sᵢₖ·zᵢₖ</c> for each seed S.</param>
public sealed record LogitGradients(Tensor Logits, Tensor[] Gradients);

/// <summary>
/// A model whose logits can be differentiated along any direction: what attacks need whose loss
/// is not the cross-entropy (DeepFool's logit differences, Carlini–Wagner's margin).
/// </summary>
public interface ILogitGradientModel : IAttackModel
{
    /// <summary>
    /// One forward pass on the tape and one backward pass per seed: the vector–Jacobian products
    /// <c>∂(Σᵢₖ Sᵢₖ·zᵢₖ)/∂x</c> of the logits <c>z = f(x)</c>, with seeds S that may be computed from z,
    /// so that a loss of the logits costs one forward pass. Row i of each gradient is sample i's own.
    /// </summary>
    /// <param name="images"><c>[N,C,H,W]</c> in [0,1].</param>
    /// <param name="seeds">Called once per slice of the batch with that slice's logits.</param>
    /// <returns>Logits and gradients, in the caller's <see cref="TensorScope"/>.</returns>
    LogitGradients Differentiate(Tensor images, LogitSeeds seeds);
}
