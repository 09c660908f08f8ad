using System.Diagnostics;
using FoolingCluster.Models.Data;
using FoolingCluster.Tensors;
using FoolingCluster.Tensors.NN;
using FoolingCluster.Tensors.Ops;
using FoolingCluster.Tensors.Optim;

namespace FoolingCluster.Models.Training;

/// <summary>
/// Supervised training of a classifier with cross-entropy and SGD, as Caffe trains LeNet.
/// </summary>
public static class Trainer
{
    /// <summary>Trains <paramref name="model"/> in place and returns one record per epoch.</summary>
    /// <param name="model">Maps <c>[B,C,H,W]</c> in [0,1] to logits <c>[B,K]</c>.</param>
    /// <param name="config">Hyper-parameters; <see cref="TrainingConfig.Seed"/> fixes the batch order.</param>
    /// <param name="train">Training images.</param>
    /// <param name="test">Held-out images evaluated after every epoch, or null.</param>
    /// <param name="progress">Receives reports about every half second and at each epoch's end.</param>
    /// <param name="hooks">The step's objective, a robustness measure and an end-of-epoch callback; null for standard training.</param>
    /// <param name="cancel">Stops between steps; the model keeps what it has learned.</param>
    /// <exception cref="TrainingDivergedException">The loss or the weights became NaN or infinite; training stopped there.</exception>
    public static IReadOnlyList<EpochRecord> Train(
        Module model, TrainingConfig config, ImageDataset train, ImageDataset? test,
        IProgress<TrainingProgress>? progress = null, TrainingHooks? hooks = null, CancellationToken cancel = default)
    {
        hooks ??= new TrainingHooks();
        var optimizer = new Sgd(model.Parameters(), config.LearningRate, config.Momentum, config.WeightDecay);
        var loader = new DataLoader(train, config.BatchSize, shuffle: true, seed: config.Seed);
        var records = new List<EpochRecord>();
        long iteration = 0;
        model.Train();
        for (int epoch = 1; epoch <= config.Epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            double lossSum = 0;
            int seen = 0, correct = 0, step = 0;
            long lastReport = 0;
            foreach (Batch batch in loader.Epoch(epoch))
            {
                cancel.ThrowIfCancellationRequested();
                optimizer.LearningRate = config.LearningRateAt(iteration);
                (float loss, int right) = hooks.Step.Step(model, optimizer, batch.Images, batch.Labels);

                // Once the loss is NaN or infinite every later step is too; stop at once.
                TrainingDivergedException.ThrowIfNotFinite(loss, epoch, step + 1, config.LearningRate);
                lossSum += loss * batch.Count;
                correct += right;

                seen += batch.Count;
                step++;
                iteration++;
                if (progress is not null && clock.ElapsedMilliseconds - lastReport >= 500)
                {
                    lastReport = clock.ElapsedMilliseconds;
                    progress.Report(new TrainingProgress(epoch, config.Epochs, step, loader.BatchesPerEpoch, lossSum / seen, (double)correct / seen, seen / clock.Elapsed.TotalSeconds, optimizer.LearningRate, null));
                }
            }

            // The epoch's last step may have broken the weights after its loss was measured.
            TrainingDivergedException.ThrowIfNotFinite(model.StateDict().Values, epoch, config.LearningRate);
            double seconds = clock.Elapsed.TotalSeconds;
            double? testAccuracy = test is null ? null : Evaluation.Evaluate(model, test, cancel: CancellationToken.None).Accuracy;
            double? robustAccuracy = hooks.RobustAccuracy?.Invoke(model);
            model.Train();
            var record = new EpochRecord(epoch, lossSum / Math.Max(1, seen), (double)correct / Math.Max(1, seen), testAccuracy, seconds, seen / seconds, robustAccuracy);
            records.Add(record);
            hooks.EpochEnd?.Invoke(model, record);
            progress?.Report(new TrainingProgress(epoch, config.Epochs, step, loader.BatchesPerEpoch, record.Loss, record.TrainAccuracy, record.ImagesPerSecond, optimizer.LearningRate, testAccuracy, robustAccuracy));
        }

        return records;
    }

    /// <summary>
    /// One SGD step on a batch: forward, cross-entropy, backward, update. Intermediates are
    /// returned to the pool before it returns.
    /// </summary>
    /// <param name="model">Maps <c>[B,C,H,W]</c> to logits <c>[B,K]</c>.</param>
    /// <param name="optimizer">Updates the model's parameters.</param>
    /// <param name="images">The batch, <c>[B,C,H,W]</c>.</param>
    /// <param name="labels">B labels.</param>
    /// <returns>The batch's mean loss and how many images it classified correctly before the update.</returns>
    public static (float Loss, int Correct) Step(Module model, Optimizer optimizer, Tensor images, int[] labels)
    {
        using TensorScope scope = TensorScope.Begin();
        Tensor logits = model.Forward(images);
        Tensor loss = Functional.CrossEntropy(logits, labels);
        model.ZeroGrad();
        loss.Backward();
        optimizer.Step();
        return (loss[0], CountCorrect(logits, labels));
    }

    /// <summary>How many rows of <paramref name="logits"/> (<c>[B,K]</c>) have their arg-max at the label.</summary>
    public static int CountCorrect(Tensor logits, ReadOnlySpan<int> labels)
    {
        int k = logits.Shape[1];
        int correct = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            if (Evaluation.ArgMax(logits.Span.Slice(i * k, k)) == labels[i])
            {
                correct++;
            }
        }

        return correct;
    }
}
