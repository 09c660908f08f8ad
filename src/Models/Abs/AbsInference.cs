namespace FoolingCluster.Models.Abs;

/// <summary>What ABS inference found for a batch of images.</summary>
/// <param name="Count">Images N.</param>
/// <param name="Elbos">
/// <c>[N,10]</c>: per image and class, the negative ELBO <c>(‖x − dec(z)‖² + β·½‖z‖²) / 784</c> of
/// the best latent found, times the class's scale when the model has one. Lower is better.
/// </param>
/// <param name="Latents"><c>[N,10,8]</c>: that latent per image and class.</param>
public sealed record AbsInference(int Count, float[] Elbos, float[] Latents)
{
    /// <summary>The model's logits <c>[N,10]</c>, −ELBO (the authors' <c>forward</c>).</summary>
    public float[] Logits() => Elbos.Select(e => -e).ToArray();

    /// <summary>The class with the lowest negative ELBO for image <paramref name="index"/>.</summary>
    public int Predicted(int index) =>
        System.Numerics.Tensors.TensorPrimitives.IndexOfMin(Elbos.AsSpan(index * AbsModel.Classes, AbsModel.Classes));
}
