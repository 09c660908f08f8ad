using FoolingCluster.Coordinator.Sharding;
using FoolingCluster.Coordinator.Transport;
using FoolingCluster.Models.Abs;
using FoolingCluster.Models.Data;
using FoolingCluster.Protocol;
using FoolingCluster.Protocol.Messages;
using FoolingCluster.Tensors;
using Google.Protobuf;

namespace FoolingCluster.Coordinator.Abs;

/// <summary>
/// Trains the ten class VAEs of an ABS model on the cluster's workers, one job per class: each
/// job carries its class's training images as bytes and the training settings, and the worker
/// runs <see cref="AbsTrainer.TrainClass"/> on them, as <c>fooling abs train</c> does here.
/// Each returned VAE is checked by <see cref="VaeResultCheck"/> before it is handed on; a refused
/// one, or one missing after <see cref="ResendAfter"/>, is trained again (<see cref="ShardedJobs"/>).
/// </summary>
/// <param name="transport">The coordinator's side of the cluster.</param>
/// <param name="runId">The run the jobs belong to.</param>
/// <param name="log">Told about refused results and resent jobs; null for silence.</param>
public sealed class ShardedAbsTraining(ICoordinatorTransport transport, string runId, Action<string>? log = null)
{
    /// <summary>What one job is called in log lines.</summary>
    public const string JobKind = "VAE job";

    /// <summary>
    /// How long a class may stay out before it is sent again. Training a class takes minutes per
    /// epoch on one core, so this is longer than a robustness slice's; the job of a worker that
    /// dies goes to another worker from the job board anyway, so this only catches jobs that
    /// were lost or rejected.
    /// </summary>
    public TimeSpan ResendAfter { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Results refused so far.</summary>
    public int Refused { get; private set; }

    /// <summary>Trains the ten VAEs on the workers and returns them in class order.</summary>
    /// <param name="config">Hyper-parameters (epochs, seed, batch size, learning rate, β).</param>
    /// <param name="train">Labelled training images <c>[N,1,28,28]</c> with 8-bit values (byte / 255, as MNIST's), classes 0–9.</param>
    /// <param name="start">VAEs to continue training, one per class, or null for fresh weights.</param>
    /// <param name="accepted">Called, one at a time, as each class's VAE is checked and accepted (to write it).</param>
    /// <param name="cancel">Stops waiting.</param>
    /// <exception cref="InvalidInputException">A class has no images, the images are not 8-bit, or a class's job would exceed the message limit.</exception>
    public async Task<TrainedVae[]> RunAsync(AbsTrainingConfig config, ImageDataset train, IReadOnlyList<ClassVae>? start, Action<ShardAccepted<TrainedVae>>? accepted, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(config);
        JobMessage[] jobs = Jobs(runId, config, train, start);
        Tensor[] samples = [.. Enumerable.Range(0, AbsModel.Classes).Select(c => Sample(AbsTrainer.OfClass(train, c)))];
        var sharding = new ShardedJobs(transport, runId, JobKind, log) { ResendAfter = ResendAfter };
        try
        {
            return await sharding.RunAsync(
                jobs,
                m => m.BodyCase == WorkerMessage.BodyOneofCase.VaeTraining ? new ShardReply(m.VaeTraining.RunId, m.VaeTraining.JobId, m.VaeTraining.WorkerId) : null,
                (digit, m) => VaeResultCheck.Check(m.VaeTraining, digit, config.Epochs, samples[digit]),
                accepted,
                cancel).ConfigureAwait(false);
        }
        finally
        {
            Refused += sharding.Refused;
        }
    }

    /// <summary>Images a returned VAE is measured on: the class's first ones, at most this many.</summary>
    private const int SampleSize = 128;

    /// <summary>The first <see cref="SampleSize"/> images of one class, <c>[M,1,28,28]</c>.</summary>
    private static Tensor Sample(ImageDataset images)
    {
        int m = Math.Min(SampleSize, images.Count);
        return Tensor.FromArray(images.Images.AsSpan(0, m * ClassVae.ImageSize).ToArray(), m, 1, 28, 28);
    }

    /// <summary>The ten jobs: job c trains class c on the images of class c.</summary>
    /// <exception cref="InvalidInputException">A class has no images, the images are not 8-bit, or a job would exceed the message limit.</exception>
    public static JobMessage[] Jobs(string runId, AbsTrainingConfig config, ImageDataset train, IReadOnlyList<ClassVae>? start)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(train);
        if (train.Channels != 1 || train.Height != 28 || train.Width != 28)
        {
            throw new InvalidInputException($"the ABS model trains on 1×28×28 images, not {train.Channels}×{train.Height}×{train.Width}");
        }

        if (start is not null && start.Count != AbsModel.Classes)
        {
            throw new ArgumentException($"continuing needs {AbsModel.Classes} VAEs, one per class (got {start.Count})", nameof(start));
        }

        var spec = new RunSpecMessage { RunId = runId, Encoding = "abs-vae", Channels = 1, Height = 28, Width = 28, Classes = AbsModel.Classes };
        var jobs = new JobMessage[AbsModel.Classes];
        for (int c = 0; c < AbsModel.Classes; c++)
        {
            ImageDataset images = AbsTrainer.OfClass(train, c);
            var job = new JobMessage
            {
                Run = spec,
                JobId = c,
                VaeTraining = new VaeTrainingJobMessage
                {
                    Digit = c,
                    Epochs = config.Epochs,
                    Seed = config.Seed,
                    BatchSize = config.BatchSize,
                    LearningRate = config.LearningRate,
                    Beta = config.Beta,
                    Count = images.Count,
                    Images = ByteString.CopyFrom(Quantise(images.Images, c)),
                    Start = start is null ? ByteString.Empty : ByteString.CopyFrom(AbsCheckpoint.VaeToBytes(c, start[c], 0)),
                },
            };
            int size = job.CalculateSize();
            if (size > MessageLimits.MaxMessageBytes)
            {
                throw new InvalidInputException($"class {c} has {images.Count:N0} training images, {size:N0} bytes as a job; a message may hold {MessageLimits.MaxMessageBytes:N0}: train on fewer images (--train-subset) or without --cluster");
            }

            jobs[c] = job;
        }

        return jobs;
    }

    /// <summary>[0,1] pixels as bytes, refusing any value that is not exactly byte / 255 (so workers see the very same floats).</summary>
    private static byte[] Quantise(float[] pixels, int digit)
    {
        byte[] bytes = new byte[pixels.Length];
        for (int i = 0; i < pixels.Length; i++)
        {
            float v = pixels[i];
            float scaled = MathF.Round(v * 255f);
            if (!(scaled >= 0f && scaled <= 255f) || (byte)scaled / 255f != v)
            {
                throw new InvalidInputException($"a training image of class {digit} has the value {v}, which is not an 8-bit pixel (byte / 255); workers receive images as bytes, so only 8-bit images like MNIST's can be trained on them");
            }

            bytes[i] = (byte)scaled;
        }

        return bytes;
    }
}
