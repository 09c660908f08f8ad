namespace FoolingCluster.Models.Checkpoints;

/// <summary>
/// The adversarial examples a model was trained on, as recorded in its sidecar: an L∞ attack of
/// radius ε on the current model, with the loss α·CE(clean) + (1 − α)·CE(adversarial).
/// </summary>
public sealed record AdversarialDetails
{
    /// <summary>L∞ radius, in pixel units of [0,1].</summary>
    public required double Epsilon { get; init; }

    /// <summary>Weight of the clean loss; the adversarial loss gets 1 − α.</summary>
    public required double Alpha { get; init; }

    /// <summary>Gradient steps of the attack (1 for FGSM).</summary>
    public required int Steps { get; init; }

    /// <summary>Length of each step, in pixel units (ε for FGSM).</summary>
    public required double StepSize { get; init; }

    /// <summary>Whether the attack started from a uniform random point of the ball (PGD).</summary>
    public required bool RandomStart { get; init; }
}
