using System.Globalization;
using FoolingCluster.Coordinator.Sharding;
using FoolingCluster.Models.Abs;
using FoolingCluster.Protocol.Messages;
using FoolingCluster.Tensors;
using FoolingCluster.Tensors.Autograd;

namespace FoolingCluster.Coordinator.Abs;

/// <summary>A class VAE a worker trained, checked.</summary>
/// <param name="Digit">Its class, 0–9.</param>
/// <param name="Vae">The network, in evaluation mode.</param>
/// <param name="Epochs">Epochs the worker trained it for (in this job).</param>
/// <param name="EpochLoss">Mean negative ELBO per image of each of those epochs.</param>
/// <param name="Reconstruction">Mean squared-L2 reconstruction error per image in the last epoch.</param>
/// <param name="Kl">Mean KL divergence per image in the last epoch.</param>
/// <param name="Seconds">Training time the worker reports (0 when it reports nonsense).</param>
/// <param name="WorkerId">The worker.</param>
public sealed record TrainedVae(int Digit, ClassVae Vae, int Epochs, double[] EpochLoss, double Reconstruction, double Kl, double Seconds, string WorkerId);

/// <summary>
/// Checks a worker's trained VAE before it may reach the model's folder: it answers the job's
/// class and epochs, its losses are finite, and its weights parse as safetensors holding exactly
/// a <see cref="ClassVae"/>'s state dict (names and shapes) with finite values.
/// </summary>
/// <remarks>
/// Given a sample of the class's images, it also measures the VAE's negative ELBO on them (at the
/// posterior mean, batch-norm in evaluation mode) and refuses a VAE that explains them much worse
/// than the worker's last-epoch loss claims: an untrained VAE (≈ 160 per image, every pixel drawn
/// at 0.5) sent with a trained one's losses. What cannot be checked without training the class
/// again is a worker that trains less than asked and reports its own, honest, higher losses.
/// </remarks>
public static class VaeResultCheck
{
    /// <summary>Checks <paramref name="message"/> against the job it answers.</summary>
    /// <param name="message">The worker's result.</param>
    /// <param name="digit">The job's class.</param>
    /// <param name="epochs">The job's epochs.</param>
    /// <param name="sample">Some of the class's training images <c>[M,1,28,28]</c> to measure the VAE on, or null to skip that check.</param>
    /// <exception cref="RefusedResultException">Any field is malformed, or the VAE explains the sample much worse than claimed.</exception>
    public static TrainedVae Check(VaeTrainingResultMessage message, int digit, int epochs, Tensor? sample = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Digit != digit)
        {
            throw Refuse(message, $"it is for class {message.Digit}; the job was for class {digit}");
        }

        if (message.Epochs != epochs || message.EpochLoss.Count != epochs)
        {
            throw Refuse(message, $"it reports {message.Epochs} epochs with {message.EpochLoss.Count} losses; the job asked for {epochs}");
        }

        if (message.EpochLoss.Any(l => !double.IsFinite(l)) || !(message.Reconstruction >= 0 && double.IsFinite(message.Reconstruction)) || !(message.Kl >= 0 && double.IsFinite(message.Kl)))
        {
            throw Refuse(message, "a loss is NaN, infinite or (for reconstruction or KL) negative");
        }

        ClassVae vae;
        try
        {
            vae = AbsCheckpoint.VaeFromBytes(message.State.ToByteArray(), digit, "its weights");
        }
        catch (InvalidInputException ex)
        {
            throw Refuse(message, ex.Message);
        }

        if (sample is not null)
        {
            double claimed = message.EpochLoss[^1];
            double measured = MeanLoss(vae, sample);
            if (!(measured <= (ClaimSlack * claimed) + ClaimMargin))
            {
                throw Refuse(message, string.Create(CultureInfo.InvariantCulture, $"on {sample.Dim(0)} of its class's images its negative ELBO is {measured:F1} per image, far above the {claimed:F1} its last epoch claims"));
            }
        }

        double seconds = double.IsFinite(message.Seconds) && message.Seconds >= 0 ? message.Seconds : 0;
        return new TrainedVae(digit, vae, epochs, [.. message.EpochLoss], message.Reconstruction, message.Kl, seconds, message.WorkerId);
    }

    /// <summary>
    /// How much worse than claimed a VAE may do on the sample: the claim is a training-mode mean
    /// over a whole epoch with sampled latents, the measurement one evaluation-mode pass.
    /// </summary>
    private const double ClaimSlack = 1.5;

    /// <summary>Per image, in the loss's units (squared error summed over 784 pixels), added to the slack.</summary>
    private const double ClaimMargin = 10;

    /// <summary>Mean negative ELBO per image at the posterior mean, the VAE in evaluation mode.</summary>
    private static double MeanLoss(ClassVae vae, Tensor images)
    {
        using TensorScope scope = TensorScope.Begin();
        using NoGradScope noGrad = NoGradScope.Begin();
        vae.Eval();
        Tensor noise = Tensor.Zeros(images.Dim(0), ClassVae.LatentSize, 1, 1);
        return VaeLoss.Compute(vae, images, noise, beta: 1f).Loss[0];
    }

    private static RefusedResultException Refuse(VaeTrainingResultMessage message, string reason) =>
        new($"VAE of class {message.Digit} (job {message.JobId}) from worker '{message.WorkerId}' refused: {reason}");
}
