using FoolingCluster.Coordinator.Sharding;
using FoolingCluster.Models.Abs;
using FoolingCluster.Protocol.Messages;
using FoolingCluster.Tensors;

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
/// What cannot be checked without training the class again is that the weights are the result of
/// training at all: a worker could send a well-formed but untrained VAE. The checks keep out what
/// would break the model or the files, not a worker that does the wrong work carefully.
/// </remarks>
public static class VaeResultCheck
{
    /// <summary>Checks <paramref name="message"/> against the job it answers.</summary>
    /// <param name="message">The worker's result.</param>
    /// <param name="digit">The job's class.</param>
    /// <param name="epochs">The job's epochs.</param>
    /// <exception cref="RefusedResultException">Any field is malformed.</exception>
    public static TrainedVae Check(VaeTrainingResultMessage message, int digit, int epochs)
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

        double seconds = double.IsFinite(message.Seconds) && message.Seconds >= 0 ? message.Seconds : 0;
        return new TrainedVae(digit, vae, epochs, [.. message.EpochLoss], message.Reconstruction, message.Kl, seconds, message.WorkerId);
    }

    private static RefusedResultException Refuse(VaeTrainingResultMessage message, string reason) =>
        new($"VAE of class {message.Digit} (job {message.JobId}) from worker '{message.WorkerId}' refused: {reason}");
}
