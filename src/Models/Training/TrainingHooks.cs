using FoolingCluster.Tensors.NN;

namespace FoolingCluster.Models.Training;

/// <summary>
/// Where other projects plug into <see cref="Trainer.Train"/> without the trainer knowing them:
/// the objective of each step, a robustness measure after each epoch, and an end-of-epoch
/// callback (checkpoints).
/// </summary>
public sealed record TrainingHooks
{
    /// <summary>The objective of each mini-batch.</summary>
    public ITrainingStep Step { get; init; } = StandardStep.Instance;

    /// <summary>
    /// Accuracy under attack on held-out images, in [0,1], measured after each epoch; null for none.
    /// It is handed the model and must leave its parameters as it found them.
    /// </summary>
    public Func<Module, double>? RobustAccuracy { get; init; }

    /// <summary>Called after each finished epoch with the model and the epoch's record (e.g. to save a checkpoint).</summary>
    public Action<Module, EpochRecord>? EpochEnd { get; init; }
}
