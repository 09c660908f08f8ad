using FoolingCluster.Tensors;

namespace FoolingCluster.Attacks.Decision;

/// <summary>
/// A classifier seen from outside: images in, logits out, and nothing else (no gradients).
/// What decision- and score-based attacks are allowed to ask, and what
/// <see cref="GradientEstimator"/> turns back into an <see cref="IAttackModel"/>.
/// </summary>
public interface ILogitsModel
{
    /// <summary>Logits of a batch.</summary>
    /// <param name="images"><c>[N,C,H,W]</c> in [0,1].</param>
    /// <returns><c>[N,K]</c>, created in the caller's <see cref="TensorScope"/>.</returns>
    Tensor Logits(Tensor images);
}
