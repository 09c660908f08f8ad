using System.Globalization;
using FoolingCluster.Cli.Commands;
using FoolingCluster.Cli.ModelFiles;
using FoolingCluster.Evolution.Evaluation;
using FoolingCluster.Models.Abs;
using FoolingCluster.Models.Checkpoints;
using FoolingCluster.Models.Configuration;
using FoolingCluster.Models.Training;
using FoolingCluster.Runs;
using FoolingCluster.Tensors;

namespace FoolingCluster.Cli.Evolution;

/// <summary>The classifier a search fools: loaded from its checkpoint, trained first if the configuration allows.</summary>
internal static class TargetModel
{
    /// <summary>
    /// Trains the model at <paramref name="weights"/> with <paramref name="trainConfig"/> unless it
    /// exists, provided it is the configuration's own target <paramref name="configured"/>: any
    /// other missing path (a mistyped <c>--model</c>) is refused rather than trained into. Then
    /// loads it once, so that a model that cannot run is refused before a run folder is made.
    /// </summary>
    /// <param name="weights">The target the search will use.</param>
    /// <param name="configured">The target the configuration file names.</param>
    /// <param name="trainConfig">How the configuration says to train its target; "" for never.</param>
    /// <param name="runsRoot">Where the training run's folder goes.</param>
    /// <param name="console">Receives training progress.</param>
    /// <param name="cancel">Stops training.</param>
    /// <returns>False if training was stopped.</returns>
    /// <exception cref="InvalidInputException">The model is missing and may not be trained, or it cannot run (<see cref="ModelCheck"/>); said before a run folder is made for it.</exception>
    /// <param name="backend">What runs an ONNX target; null for the engine.</param>
    public static bool EnsureTrained(string weights, string configured, string trainConfig, string runsRoot, TextWriter console, CancellationToken cancel, ModelBackend? backend = null)
    {
        ModelBackends.RequireApplies(weights, backend);
        if (!TrainIfMissing(weights, configured, trainConfig, runsRoot, console, cancel))
        {
            return false;
        }

        ModelLoading.Load(weights, backend, console);
        return true;
    }

    private static bool TrainIfMissing(string weights, string configured, string trainConfig, string runsRoot, TextWriter console, CancellationToken cancel)
    {
        if (AbsCheckpoint.IsAbsPath(weights))
        {
            // An ABS model is trained by its own command, not a training config; checked here,
            // before a run folder is made for it.
            if (!Directory.Exists(weights) && !File.Exists(weights))
            {
                throw new InvalidInputException($"ABS model {weights} does not exist; train one with `./fooling abs train --out FOLDER`");
            }

            return true;
        }

        if (File.Exists(weights))
        {
            return true;
        }

        if (!SamePath(weights, configured))
        {
            throw new InvalidInputException($"model file {weights} does not exist; train one with `./fooling train --out {weights}` (only the configuration's own target, {configured}, is trained when missing)");
        }

        if (string.IsNullOrWhiteSpace(trainConfig))
        {
            throw new InvalidInputException($"target model {weights} does not exist and the configuration names no trainConfig, so it is not trained here: this configuration is for a model you supply (e.g. your own ImageNet classifier: its .safetensors weights and .json sidecar with input_shape and classes) at that path or with --model; for MNIST, train one with `./fooling train --out {weights}`");
        }

        TrainingConfig cfg = StrictJson.Read<TrainingConfig>(trainConfig) with { Out = weights };
        cfg.Validate(trainConfig);
        console.WriteLine($"target model {weights} does not exist yet; training it first with {trainConfig}");
        return TrainCommand.Run(cfg, runsRoot, console, cancel) == FoolingApp.Success;
    }

    private static bool SamePath(string a, string b) =>
        string.Equals(Path.GetFullPath(a), Path.GetFullPath(b), OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);

    /// <summary>Loads the checkpoint as a classifier, printing how an ONNX model was read to <paramref name="console"/> if given.</summary>
    public static (LoadedModel Loaded, ModuleClassifier Classifier) Load(string weights, ModelBackend? backend = null, TextWriter? console = null)
    {
        (LoadedModel loaded, ModuleClassifier classifier) = ClassifierCheckpoint.Load(weights, backend);
        if (console is not null)
        {
            ModelLoading.Print(loaded, console);
        }

        return (loaded, classifier);
    }

    /// <summary>
    /// Copies weights and sidecar into the run folder so it is self-contained; an ABS model (a
    /// folder of ten VAEs) goes in packed as one weights file, which workers fetch like any other.
    /// An ONNX model goes in as <see cref="RunFiles.OnnxModel"/> with the sidecar of how it was
    /// loaded (which says whether ONNX Runtime runs it), and weights without a sidecar get the
    /// sidecar they were recognised by, so resuming and workers load the target as this run did.
    /// </summary>
    /// <param name="weights">The target as given.</param>
    /// <param name="runFolder">The run's folder.</param>
    /// <param name="fileName">Name of the copy of built-in weights (<see cref="RunFiles.Model"/>).</param>
    /// <param name="loaded">The target as loaded.</param>
    public static void CopyInto(string weights, string runFolder, string fileName, LoadedModel loaded)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        if (AbsCheckpoint.IsAbsPath(weights))
        {
            AbsCheckpoint.Pack(weights, Path.Combine(runFolder, fileName));
            return;
        }

        bool onnx = OnnxCheckpoint.IsOnnxPath(weights) || OnnxCheckpoint.IsOnnxArchitecture(loaded.Sidecar.Architecture);
        string copy = Path.Combine(runFolder, onnx ? RunFiles.OnnxModel : fileName);
        File.Copy(weights, copy, overwrite: true);
        string sidecar = ModelCheckpoint.SidecarPath(weights);
        if (!onnx && File.Exists(sidecar))
        {
            File.Copy(sidecar, ModelCheckpoint.SidecarPath(copy), overwrite: true);
        }
        else
        {
            loaded.Sidecar.Save(ModelCheckpoint.SidecarPath(copy));
        }
    }

    /// <summary>How a run's log and report name its target.</summary>
    public static string Describe(string path, ModelSidecar sidecar) => sidecar.TestAccuracy is double accuracy
        ? string.Create(CultureInfo.InvariantCulture, $"{path} ({sidecar.Architecture}, test accuracy {accuracy:P2})")
        : $"{path} ({sidecar.Architecture}{(sidecar.Abs is { Binary: true } ? ", binary" : string.Empty)})";
}
