namespace FoolingCluster.Models.Checkpoints;

/// <summary>How a model's weights were trained, as recorded in its <see cref="ModelSidecar"/>.</summary>
public sealed record TrainingDetails
{
    /// <summary>Passes over the training set.</summary>
    public required int Epochs { get; init; }

    /// <summary>Seed of initialisation and shuffling.</summary>
    public required int Seed { get; init; }

    /// <summary>Images per mini-batch.</summary>
    public required int BatchSize { get; init; }

    /// <summary>Optimiser name, e.g. <c>sgd</c> or <c>adam</c>.</summary>
    public required string Optimiser { get; init; }

    /// <summary>Learning rate (initial, if scheduled).</summary>
    public required double LearningRate { get; init; }

    /// <summary>Wall-clock seconds the training took; null where not recorded.</summary>
    public double? Seconds { get; init; }

    /// <summary>Training method: <c>standard</c>, or an adversarial/retraining variant such as <c>fgsm</c> or <c>pgd</c>.</summary>
    public string Method { get; init; } = "standard";

    /// <summary>The attack and loss weights of adversarial training; null for other methods.</summary>
    public AdversarialDetails? Adversarial { get; init; }
}
