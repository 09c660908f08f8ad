using FoolingCluster.Attacks.Gradient;
using FoolingCluster.Models.Training;

namespace FoolingCluster.Defense.Adversarial;

/// <summary>The attack that makes the adversarial examples of adversarial training, built from its settings.</summary>
public static class TrainingAttack
{
    /// <summary>
    /// FGSM (one step of ε, no random start) or L∞ PGD (the settings' steps and step size from a
    /// uniform random point of the ε-box), the same classes <c>fooling attack</c> runs.
    /// </summary>
    /// <param name="settings">Validated settings with an adversarial method.</param>
    /// <param name="seed">Seed of PGD's random start; vary it per batch so no two batches share a start.</param>
    public static GradientDescentAttack Create(AdversarialSettings settings, int seed)
    {
        ArgumentNullException.ThrowIfNull(settings);
        AdversarialSettings r = settings.Resolve();
        return r.Method switch
        {
            "fgsm" => new Fgsm(),
            "pgd" => new LinfPgd(r.Steps!.Value, absoluteStepSize: r.StepSize!.Value, randomStart: true, seed: seed),
            _ => throw new ArgumentException($"no attack for adversarial method '{r.Method}'", nameof(settings)),
        };
    }
}
