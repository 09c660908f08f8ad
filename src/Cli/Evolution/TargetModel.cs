using FoolingCluster.Cli.Commands;
using FoolingCluster.Evolution.Evaluation;
using FoolingCluster.Models.Abs;
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
        if (AbsCheckpoint.IsAbsPath(weights))
        {
            // A run copies its target into the run folder and workers fetch it by hash: both
            // take one weights file. ABS is a folder; fooling transfer and eval-model take it.
            throw new InvalidInputException($"{weights} is an ABS model folder or sidecar; a search's target must be one .safetensors file for now (`fooling transfer RUN --to {weights}` scores a run's elites under ABS)");
        }

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
