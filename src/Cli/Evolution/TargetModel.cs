using FoolingCluster.Cli.Commands;
using FoolingCluster.Evolution.Evaluation;
using FoolingCluster.Models.Checkpoints;
using FoolingCluster.Models.Configuration;
using FoolingCluster.Models.Training;
using FoolingCluster.Tensors;

namespace FoolingCluster.Cli.Evolution;

/// <summary>The classifier a search fools: loaded from its checkpoint, trained first if the configuration allows.</summary>
internal static class TargetModel
{
    /// <summary>Trains the model at <paramref name="weights"/> with <paramref name="trainConfig"/> unless it exists.</summary>
    /// <returns>False if training was stopped.</returns>
    public static bool EnsureTrained(string weights, string trainConfig, string runsRoot, TextWriter console, CancellationToken cancel)
    {
        if (File.Exists(weights))
        {
            return true;
        }

        if (string.IsNullOrWhiteSpace(trainConfig))
        {
            throw new InvalidInputException($"target model {weights} does not exist and the configuration names no trainConfig; train one with `./fooling train --out {weights}`");
        }

        TrainingConfig cfg = StrictJson.Read<TrainingConfig>(trainConfig) with { Out = weights };
        cfg.Validate(trainConfig);
        console.WriteLine($"target model {weights} does not exist yet; training it first with {trainConfig}");
        return TrainCommand.Run(cfg, runsRoot, console, cancel) == FoolingApp.Success;
    }

    /// <summary>Loads the checkpoint as a classifier.</summary>
    public static (LoadedModel Loaded, ModuleClassifier Classifier) Load(string weights) => ClassifierCheckpoint.Load(weights);

    /// <summary>Copies weights and sidecar into the run folder so it is self-contained.</summary>
    public static void CopyInto(string weights, string runFolder, string fileName)
    {
        File.Copy(weights, Path.Combine(runFolder, fileName), overwrite: true);
        File.Copy(ModelCheckpoint.SidecarPath(weights), ModelCheckpoint.SidecarPath(Path.Combine(runFolder, fileName)), overwrite: true);
    }
}
