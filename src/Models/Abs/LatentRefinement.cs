using System.Numerics.Tensors;
using FoolingCluster.Tensors;
using Tensor = FoolingCluster.Tensors.Tensor;
using FoolingCluster.Tensors.Optim;

namespace FoolingCluster.Models.Abs;

/// <summary>
/// The second stage of ABS inference: from the best prior sample, Adam on the latent to lower
/// <c>(‖x − dec(z)‖² + β·½‖z‖²) / 784</c>, keeping z within the radius, and the value at the
/// end. Images and classes are independent (Adam is element-wise and the loss a sum), so each
/// batch of one class is refined on its own.
/// </summary>
internal static class LatentRefinement
{
    private const int D = ClassVae.LatentSize;
    private const int P = ClassVae.ImageSize;

    /// <summary>Refines the latents of <paramref name="count"/> images under one class's decoder.</summary>
    /// <param name="decoder">The class's decoder.</param>
    /// <param name="images"><c>[count,784]</c>.</param>
    /// <param name="count">Images.</param>
    /// <param name="latents"><c>[count,8]</c>: the starting codes in, the refined codes out.</param>
    /// <param name="elbo">Receives the negative ELBO per image, divided by 784.</param>
    /// <param name="settings">Steps, learning rate, radius and β.</param>
    /// <param name="workspace">Decoder buffers for at least <paramref name="count"/> latents.</param>
    /// <param name="cancel">Checked before every step.</param>
    /// <exception cref="OperationCanceledException"><paramref name="cancel"/> was cancelled; <paramref name="latents"/> and <paramref name="elbo"/> are left as they were.</exception>
    public static void Refine(FrozenDecoder decoder, ReadOnlySpan<float> images, int count, Span<float> latents, Span<float> elbo, AbsSettings settings, DecoderWorkspace workspace, CancellationToken cancel = default)
    {
        var z = new float[count * D];
        latents[..z.Length].CopyTo(z);
        var gz = new float[count * D];
        var gImage = new float[count * P];
        Tensor zt = Tensor.Wrap(z, count, D);
        zt.Grad = Tensor.Wrap(gz, count, D);
        var adam = new Adam([zt], settings.LearningRate);
        float beta = settings.Beta;
        for (int step = 0; step < settings.Steps; step++)
        {
            cancel.ThrowIfCancellationRequested();
            decoder.Forward(z, count, workspace);
            ReadOnlySpan<float> reconstruction = workspace.Image.AsSpan(0, count * P);
            if (step == settings.Steps - 1)
            {
                break;
            }

            // ∂/∂r of the loss is 2(r − x)/784, ∂/∂z of the prior term β·z/784.
            TensorPrimitives.Subtract(reconstruction, images[..(count * P)], gImage);
            TensorPrimitives.Multiply(gImage, 2f / P, gImage);
            decoder.LatentGradient(gImage, count, workspace, gz);
            TensorPrimitives.MultiplyAdd(z, beta / P, gz, gz);
            adam.Step();
            ClipToRadius(z, settings.Radius);
        }

        if (settings.Steps == 0)
        {
            decoder.Forward(z, count, workspace);
        }

        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<float> x = images.Slice(i * P, P);
            ReadOnlySpan<float> r = workspace.Image.AsSpan(i * P, P);
            ReadOnlySpan<float> zi = z.AsSpan(i * D, D);
            float distance = TensorPrimitives.Distance(x, r);
            elbo[i] = ((distance * distance) + (beta * 0.5f * TensorPrimitives.Dot(zi, zi))) / P;
        }

        z.CopyTo(latents);
    }

    /// <summary>
    /// Moves every code longer than <paramref name="radius"/> back onto the sphere along its own
    /// direction. (The authors' <c>clip_to_sphere</c> also drops the signs of the coordinates it
    /// rescales; this keeps them.)
    /// </summary>
    internal static void ClipToRadius(Span<float> latents, float radius)
    {
        for (int i = 0; i < latents.Length; i += D)
        {
            Span<float> z = latents.Slice(i, D);
            float norm = TensorPrimitives.Norm(z);
            if (norm > radius)
            {
                TensorPrimitives.Multiply(z, radius / norm, z);
            }
        }
    }
}
