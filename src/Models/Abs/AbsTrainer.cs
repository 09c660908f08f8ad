using System.Diagnostics;
using FoolingCluster.Models.Data;
using FoolingCluster.Models.Training;
using FoolingCluster.Tensors;
using FoolingCluster.Tensors.Optim;

namespace FoolingCluster.Models.Abs;

/// <summary>What training one class VAE came to.</summary>
/// <param name="Digit">The class, 0–9.</param>
/// <param name="Images">Training images of that class.</param>
/// <param name="Loss">Mean negative ELBO per image in the last epoch.</param>
/// <param name="Reconstruction">Mean squared-L2 reconstruction error per image in the last epoch.</param>
/// <param name="Kl">Mean KL divergence per image in the last epoch.</param>
/// <param name="Seconds">Wall-clock time this VAE took.</param>
public sealed record ClassVaeRecord(int Digit, int Images, double Loss, double Reconstruction, double Kl, double Seconds);

/// <summary>
/// Trains the ten class-conditional VAEs of the ABS model, each on its own class's images with
/// the ELBO (<see cref="VaeLoss"/>) and Adam, side by side on all cores.
/// </summary>
public static class AbsTrainer
{
    /// <summary>Trains one VAE per class and returns them in class order.</summary>
    /// <param name="config">Hyper-parameters.</param>
    /// <param name="train">Labelled training images <c>[N,1,28,28]</c> in [0,1], classes 0–9.</param>
    /// <param name="epochDone">Called after every epoch of every VAE (for checkpoints), possibly from several threads at once.</param>
    /// <param name="progress">Receives reports about every second per VAE and at each epoch's end, possibly from several threads.</param>
    /// <param name="start">VAEs to continue training (one per class), or null to start from fresh weights.</param>
    /// <param name="cancel">Stops between steps.</param>
    /// <returns>The trained VAEs in evaluation mode and what each came to.</returns>
    /// <exception cref="InvalidInputException">Some class has no training images.</exception>
    /// <exception cref="TrainingDivergedException">A VAE's loss or weights became NaN or infinite.</exception>
    public static (ClassVae[] Vaes, ClassVaeRecord[] Records) Train(
        AbsTrainingConfig config, ImageDataset train, Action<int, int, ClassVae>? epochDone = null,
        IProgress<AbsTrainingProgress>? progress = null, IReadOnlyList<ClassVae>? start = null, CancellationToken cancel = default)
    {
        if (start is not null && start.Count != AbsModel.Classes)
        {
            throw new ArgumentException($"continuing needs {AbsModel.Classes} VAEs, one per class (got {start.Count})", nameof(start));
        }

        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(train);
        ImageDataset[] byClass = Enumerable.Range(0, AbsModel.Classes).Select(c => OfClass(train, c)).ToArray();
        var vaes = new ClassVae[AbsModel.Classes];
        var records = new ClassVaeRecord[AbsModel.Classes];
        void TrainOne(int c)
        {
            (vaes[c], records[c]) = TrainClass(c, config, byClass[c], epochDone, progress, start?[c], cancel);
        }

        if (!config.ParallelClasses)
        {
            for (int c = 0; c < AbsModel.Classes; c++)
            {
                TrainOne(c);
            }

            return (vaes, records);
        }

        // One VAE per core with single-threaded kernels: batches of 64 small images leave
        // multithreaded kernels waiting on each other, and batch-norm, ELU and Adam are serial.
        // The limit is each worker's own: other work in the process keeps its kernels' split.
        int cores = Engine.Threads;
        try
        {
            Parallel.For(0, AbsModel.Classes, new ParallelOptions { MaxDegreeOfParallelism = cores, CancellationToken = cancel }, c =>
            {
                using Engine.ThreadLimit single = Engine.OnThisThread(1);
                TrainOne(c);
            });
        }
        catch (AggregateException ex) when (ex.InnerExceptions.FirstOrDefault(e => e is TrainingDivergedException) is { } diverged)
        {
            // Several VAEs may diverge at once; one message says what to change.
            throw new TrainingDivergedException(diverged.Message);
        }

        return (vaes, records);
    }

    /// <summary>
    /// Trains the VAE of class <paramref name="digit"/> on <paramref name="images"/> alone, from
    /// <paramref name="start"/> if given: what <see cref="Train"/> does for each class, and what a
    /// cluster worker does for one. Initialisation, batch order and noise come from seed + digit,
    /// so the same images and settings give the same weights wherever this runs, provided the
    /// kernels use the same number of threads (<see cref="Engine.Threads"/>; <see cref="Train"/>
    /// uses one per VAE), since a convolution's weight gradient is summed in per-thread parts.
    /// </summary>
    /// <param name="digit">The class, 0–9.</param>
    /// <param name="config">Hyper-parameters; <see cref="AbsTrainingConfig.Epochs"/> more epochs are trained.</param>
    /// <param name="images">That class's training images <c>[n,1,28,28]</c> in [0,1].</param>
    /// <param name="epochDone">Called with (digit, epoch, vae) after every epoch, the VAE in evaluation mode.</param>
    /// <param name="progress">Receives reports about every second and at each epoch's end, on the calling thread.</param>
    /// <param name="start">The VAE to continue training, or null for fresh weights.</param>
    /// <param name="cancel">Stops between steps.</param>
    public static (ClassVae Vae, ClassVaeRecord Record) TrainClass(
        int digit, AbsTrainingConfig config, ImageDataset images, Action<int, int, ClassVae>? epochDone,
        IProgress<AbsTrainingProgress>? progress, ClassVae? start, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(images);
        int seed = config.Seed + digit;
        ClassVae vae = start ?? new ClassVae(seed);
        var optimizer = new Adam(vae.Parameters(), config.LearningRate);
        // A final batch of one image has no batch-norm statistics, so it is dropped.
        var loader = new DataLoader(images, config.BatchSize, shuffle: true, seed: seed, dropLast: images.Count > config.BatchSize);
        var rng = new Random(seed);
        var total = Stopwatch.StartNew();
        double loss = 0, rec = 0, kl = 0;
        vae.Train();
        for (int epoch = 1; epoch <= config.Epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            double lossSum = 0, recSum = 0, klSum = 0;
            int seen = 0, step = 0;
            long lastReport = 0;
            foreach (Batch batch in loader.Epoch(epoch))
            {
                cancel.ThrowIfCancellationRequested();
                using (TensorScope.Begin())
                {
                    Tensor noise = Tensor.Empty(batch.Count, ClassVae.LatentSize, 1, 1);
                    StandardNormal.Fill(rng, noise.Span);
                    (Tensor l, float r, float k) = VaeLoss.Compute(vae, batch.Images, noise, config.Beta);
                    vae.ZeroGrad();
                    l.Backward();
                    optimizer.Step();
                    TrainingDivergedException.ThrowIfNotFinite(l[0], epoch, step + 1, config.LearningRate);
                    lossSum += l[0] * batch.Count;
                    recSum += r * batch.Count;
                    klSum += k * batch.Count;
                }

                seen += batch.Count;
                step++;
                if (progress is not null && clock.ElapsedMilliseconds - lastReport >= 1000)
                {
                    lastReport = clock.ElapsedMilliseconds;
                    progress.Report(new AbsTrainingProgress(digit, epoch, config.Epochs, step, loader.BatchesPerEpoch, lossSum / seen, recSum / seen, klSum / seen, seen / clock.Elapsed.TotalSeconds, false));
                }
            }

            (loss, rec, kl) = (lossSum / Math.Max(1, seen), recSum / Math.Max(1, seen), klSum / Math.Max(1, seen));
            TrainingDivergedException.ThrowIfNotFinite(vae.StateDict().Values, epoch, config.LearningRate);
            vae.Eval();
            epochDone?.Invoke(digit, epoch, vae);
            vae.Train();
            progress?.Report(new AbsTrainingProgress(digit, epoch, config.Epochs, step, loader.BatchesPerEpoch, loss, rec, kl, seen / clock.Elapsed.TotalSeconds, true));
        }

        vae.Eval();
        return (vae, new ClassVaeRecord(digit, images.Count, loss, rec, kl, total.Elapsed.TotalSeconds));
    }

    /// <summary>The images of one class, copied into a dataset of their own.</summary>
    /// <exception cref="InvalidInputException">The class has no images.</exception>
    public static ImageDataset OfClass(ImageDataset data, int digit)
    {
        ArgumentNullException.ThrowIfNull(data);
        int size = data.ImageSize;
        int count = data.Labels.Count(l => l == digit);
        if (count == 0)
        {
            throw new InvalidInputException($"the training set has no image of class {digit}; the ABS model needs every class (is --train-subset too small?)");
        }

        var images = new float[count * size];
        var labels = new byte[count];
        int j = 0;
        for (int i = 0; i < data.Count; i++)
        {
            if (data.Labels[i] == digit)
            {
                data.Images.AsSpan(i * size, size).CopyTo(images.AsSpan(j * size, size));
                labels[j++] = (byte)digit;
            }
        }

        return new ImageDataset(images, labels, data.Channels, data.Height, data.Width);
    }
}
