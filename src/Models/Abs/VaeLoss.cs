using FoolingCluster.Tensors;
using FoolingCluster.Tensors.Ops;

namespace FoolingCluster.Models.Abs;

/// <summary>
/// The negative ELBO each class VAE is trained on: squared-L2 reconstruction error plus
/// β times the KL divergence of the posterior from N(0, I), summed over pixels and latent
/// dimensions and averaged over the batch (Kingma &amp; Welling 2014; Schott et al. 2019 §3).
/// </summary>
public static class VaeLoss
{
    /// <summary>
    /// One forward pass with the reparameterisation trick, <c>z = μ + e^(logVar/2)·ε</c>, recorded
    /// on the tape so the result can be back-propagated into the VAE's parameters.
    /// </summary>
    /// <param name="vae">The network, in training mode for batch statistics.</param>
    /// <param name="images"><c>[N,1,28,28]</c> in [0,1].</param>
    /// <param name="noise">ε, <c>[N,8,1,1]</c> standard normal draws.</param>
    /// <param name="beta">Weight of the KL term (1 in the paper).</param>
    /// <returns>The scalar loss and its two parts (batch means), for reports.</returns>
    public static (Tensor Loss, float Reconstruction, float Kl) Compute(ClassVae vae, Tensor images, Tensor noise, float beta)
    {
        (Tensor mu, Tensor logVar) = vae.Encode(images);
        if (!Tensor.SameShape(noise.Shape, mu.Shape))
        {
            throw new ShapeMismatchException($"VaeLoss: noise has shape {Tensor.ShapeString(noise.Shape)} but the latent mu has shape {Tensor.ShapeString(mu.Shape)}");
        }

        Tensor std = Functional.Exp(Functional.MulScalar(logVar, 0.5f));
        Tensor z = Functional.Add(mu, Functional.Mul(std, noise));
        Tensor reconstruction = vae.Decode(z);
        float invN = 1f / images.Dim(0);
        Tensor rec = Functional.MulScalar(Functional.MseLoss(reconstruction, images, Reduction.Sum), invN);
        Tensor kl = Functional.Mean(Functional.GaussianKl(mu, logVar));
        Tensor loss = Functional.Add(rec, Functional.MulScalar(kl, beta));
        return (loss, rec[0], kl[0]);
    }
}
