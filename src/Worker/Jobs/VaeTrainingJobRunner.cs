using FoolingCluster.Models.Abs;
using FoolingCluster.Models.Configuration;
using FoolingCluster.Models.Data;
using FoolingCluster.Protocol.Messages;
using FoolingCluster.Tensors;
using Google.Protobuf;

namespace FoolingCluster.Worker.Jobs;

/// <summary>
/// Trains one class VAE of an ABS model on the images its job carries, with
/// <see cref="AbsTrainer.TrainClass"/>: the code and seed rule of in-process training, so the
/// weights equal those <c>fooling abs train</c> gives that class when the kernels use as many
/// threads here as there (one, for the default of one VAE per core).
/// </summary>
internal static class VaeTrainingJobRunner
{
    /// <summary>Most images one job may carry (an MNIST class has under 7,000; a message holds at most 16 MiB).</summary>
    public const int MaxImages = 20_000;

    /// <summary>Most epochs one job may ask for.</summary>
    public const int MaxEpochs = 10_000;

    /// <summary>Checks the job, trains its VAE and reports the weights and per-epoch losses.</summary>
    /// <exception cref="InvalidJobException">A field is out of range, the images' byte count does not fit, or the start state is not a class VAE.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancel"/> fired mid-training.</exception>
    public static VaeTrainingResultMessage Run(JobMessage job, string workerId, CancellationToken cancel)
    {
        VaeTrainingJobMessage vae = job.VaeTraining;
        string what = $"VAE job {job.JobId}";
        if (vae.Digit is < 0 or >= AbsModel.Classes)
        {
            throw new InvalidJobException($"{what} is for class {vae.Digit}; an ABS model has classes 0 to {AbsModel.Classes - 1}");
        }

        if (vae.Epochs is < 1 or > MaxEpochs)
        {
            throw new InvalidJobException($"{what} asks for {vae.Epochs} epochs (1 to {MaxEpochs})");
        }

        var config = new AbsTrainingConfig { Epochs = vae.Epochs, Seed = vae.Seed, BatchSize = vae.BatchSize, LearningRate = vae.LearningRate, Beta = vae.Beta };
        try
        {
            config.Validate(what);
        }
        catch (ConfigException ex)
        {
            throw new InvalidJobException(ex.Message);
        }

        if (vae.Count is < 1 or > MaxImages)
        {
            throw new InvalidJobException($"{what} carries {vae.Count} images (1 to {MaxImages})");
        }

        if (vae.Images.Length != (long)vae.Count * ClassVae.ImageSize)
        {
            throw new InvalidJobException($"{what} carries {vae.Images.Length} bytes of images; {vae.Count} images of 1×28×28 need {vae.Count * ClassVae.ImageSize}");
        }

        ClassVae? start = null;
        if (!vae.Start.IsEmpty)
        {
            try
            {
                start = AbsCheckpoint.VaeFromBytes(vae.Start.ToByteArray(), vae.Digit, $"the start state of {what}");
            }
            catch (InvalidInputException ex)
            {
                throw new InvalidJobException(ex.Message);
            }
        }

        var losses = new EpochLosses();
        (ClassVae trained, ClassVaeRecord record) = AbsTrainer.TrainClass(vae.Digit, config, Images(vae), null, losses, start, cancel);
        var result = new VaeTrainingResultMessage
        {
            RunId = job.Run.RunId,
            JobId = job.JobId,
            WorkerId = workerId,
            Digit = vae.Digit,
            Epochs = vae.Epochs,
            Reconstruction = record.Reconstruction,
            Kl = record.Kl,
            State = ByteString.CopyFrom(AbsCheckpoint.VaeToBytes(vae.Digit, trained, vae.Epochs)),
            Seconds = record.Seconds,
        };
        result.EpochLoss.AddRange(losses.Values);
        return result;
    }

    /// <summary>The job's 8-bit images as [0,1] floats, byte / 255 as MNIST is read, so the values match in-process training's exactly.</summary>
    private static ImageDataset Images(VaeTrainingJobMessage vae)
    {
        ReadOnlySpan<byte> bytes = vae.Images.Span;
        float[] pixels = new float[bytes.Length];
        for (int i = 0; i < bytes.Length; i++)
        {
            pixels[i] = bytes[i] / 255f;
        }

        byte[] labels = new byte[vae.Count];
        Array.Fill(labels, (byte)vae.Digit);
        return new ImageDataset(pixels, labels, 1, 28, 28);
    }

    /// <summary>Keeps each epoch's mean loss; the trainer reports on its own thread.</summary>
    private sealed class EpochLosses : IProgress<AbsTrainingProgress>
    {
        public List<double> Values { get; } = [];

        public void Report(AbsTrainingProgress value)
        {
            if (value.EpochDone)
            {
                Values.Add(value.Loss);
            }
        }
    }
}
