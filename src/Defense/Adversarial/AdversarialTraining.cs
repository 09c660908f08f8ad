using FoolingCluster.Models.Data;
using FoolingCluster.Models.Training;
using FoolingCluster.Tensors.NN;

namespace FoolingCluster.Defense.Adversarial;

/// <summary>
/// Plugs adversarial training into <see cref="Trainer"/>: the objective of every step and the
/// robust accuracy measured after every epoch.
/// </summary>
public static class AdversarialTraining
{
    /// <summary>The trainer's hooks for <paramref name="config"/>: standard ones when it asks for no adversarial training.</summary>
    /// <param name="config">A validated configuration.</param>
    /// <param name="test">The test split; its first <see cref="AdversarialSettings.ProbeImages"/> images are the probe.</param>
    /// <param name="epochEnd">Called after each epoch (checkpoints), or null.</param>
    public static TrainingHooks Hooks(TrainingConfig config, ImageDataset? test, Action<Module, EpochRecord>? epochEnd = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        AdversarialSettings settings = config.Adversarial;
        if (!settings.IsAdversarial)
        {
            return new TrainingHooks { EpochEnd = epochEnd };
        }

        RobustAccuracyProbe? probe = test is null || settings.ProbeImages == 0
            ? null
            : new RobustAccuracyProbe(test.Take(Math.Min(settings.ProbeImages, test.Count)), settings);
        return new TrainingHooks
        {
            Step = new AdversarialObjective(settings, config.Seed),
            RobustAccuracy = probe is null ? null : probe.Measure,
            EpochEnd = epochEnd,
        };
    }
}
