using FoolingCluster.Models.Abs;
using FoolingCluster.Models.Architectures;
using FoolingCluster.Models.Training;
using FoolingCluster.Tensors;
using FoolingCluster.Tensors.NN;
using FoolingCluster.Tensors.Serialization;

namespace FoolingCluster.Models.Checkpoints;

/// <summary>A classifier loaded from disk with the sidecar that describes it.</summary>
/// <param name="Path">The weights file.</param>
/// <param name="Model">The network, in evaluation mode.</param>
/// <param name="Sidecar">Architecture, dataset, input range and recorded accuracy.</param>
public sealed record LoadedModel(string Path, Module Model, ModelSidecar Sidecar)
{
    /// <summary>
    /// How the model was read, a line each, where that is not just its sidecar: an ONNX model's
    /// shape, range, normalisation and classes with where each came from, or the architecture a
    /// file without a sidecar was recognised as. Commands print it when they load the model.
    /// </summary>
    public IReadOnlyList<string> Description { get; init; } = [];
}

/// <summary>
/// Saves and loads a classifier as <c>name.safetensors</c> (PyTorch state-dict names and
/// layouts) plus <c>name.json</c> (the sidecar), so the pair moves to and from PyTorch.
/// </summary>
public static class ModelCheckpoint
{
    /// <summary>The sidecar path for a weights path.</summary>
    public static string SidecarPath(string weightsPath) => ModelSidecar.PathFor(weightsPath);

    /// <summary>Writes weights and sidecar; creates the folder if needed.</summary>
    /// <param name="model">The trained network.</param>
    /// <param name="weightsPath">Target <c>.safetensors</c> path.</param>
    /// <param name="config">How it was trained (recorded in the sidecar).</param>
    /// <param name="testAccuracy">Test accuracy measured after training, in [0,1].</param>
    /// <param name="epochsDone">Epochs actually trained, when fewer than the configuration's (a checkpoint mid-run).</param>
    /// <param name="classes">Outputs of the network.</param>
    /// <param name="foolingClass">The output that stands for fooling images (the last), or null.</param>
    public static ModelSidecar Save(Module model, string weightsPath, TrainingConfig config, double? testAccuracy, int? epochsDone = null, int classes = 10, int? foolingClass = null)
    {
        string? dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(weightsPath));
        if (dir is not null)
        {
            Directory.CreateDirectory(dir);
        }

        SafeTensors.Save(weightsPath, model.StateDict(), new Dictionary<string, string>
        {
            ["format"] = "pt",
            ["architecture"] = config.Model,
        });
        var sidecar = new ModelSidecar
        {
            Architecture = config.Model,
            Dataset = "mnist",
            InputShape = [1, 28, 28],
            InputRange = [0f, 1f],
            Classes = classes,
            FoolingClass = foolingClass,
            TestAccuracy = testAccuracy,
            Training = new TrainingDetails
            {
                Epochs = epochsDone ?? config.Epochs,
                Seed = config.Seed,
                BatchSize = config.BatchSize,
                Optimiser = $"sgd(momentum={config.Momentum}, weight_decay={config.WeightDecay}, lr_policy={config.LrPolicy})",
                LearningRate = config.LearningRate,
                Method = config.Adversarial.IsAdversarial ? config.Adversarial.Method : "standard",
                Adversarial = Details(config.Adversarial),
            },
            CreatedUtc = DateTime.UtcNow,
        };
        sidecar.Save(SidecarPath(weightsPath));
        return sidecar;
    }

    private static AdversarialDetails? Details(AdversarialSettings settings)
    {
        if (!settings.IsAdversarial)
        {
            return null;
        }

        AdversarialSettings r = settings.Resolve();
        return new AdversarialDetails
        {
            Epsilon = r.Epsilon!.Value,
            Alpha = r.Alpha!.Value,
            Steps = r.Steps!.Value,
            StepSize = r.StepSize!.Value,
            RandomStart = r.Method == "pgd",
        };
    }

    /// <summary>
    /// Loads weights and sidecar; the architecture comes from the sidecar. A folder, or a
    /// <c>.json</c> sidecar, is an ABS model (<see cref="AbsCheckpoint"/>), and so is a weights
    /// file whose sidecar says <c>abs</c> (<see cref="AbsCheckpoint.Pack(string, string)"/>). An
    /// <c>.onnx</c> file, or a file whose sidecar says <c>onnx</c> or <c>onnxruntime</c>, is an
    /// ONNX classifier (<see cref="OnnxCheckpoint"/>); a <c>.safetensors</c> file without a
    /// sidecar is the built-in architecture its tensors match (<see cref="SidecarlessCheckpoint"/>).
    /// </summary>
    /// <param name="weightsPath">The model file or ABS folder.</param>
    /// <param name="backend">What runs an ONNX model; null for what its sidecar says, else the engine. ONNX Runtime is refused for any other model; the engine is what runs them anyway.</param>
    /// <remarks>
    /// Every model is run once on a small test batch before it is returned (<see cref="ModelCheck"/>),
    /// so a model that cannot classify is refused by the command that loads it, not mid-run.
    /// </remarks>
    /// <exception cref="InvalidInputException">Missing file, corrupt sidecar or weights, unknown architecture, missing or mis-shaped tensor, or a model that cannot run.</exception>
    public static LoadedModel Load(string weightsPath, ModelBackend? backend = null)
    {
        LoadedModel loaded = LoadUnchecked(weightsPath, backend);
        ModelCheck.Verify(loaded);
        return loaded;
    }

    private static LoadedModel LoadUnchecked(string weightsPath, ModelBackend? backend)
    {
        ModelBackends.RequireApplies(weightsPath, backend);
        if (AbsCheckpoint.IsAbsPath(weightsPath))
        {
            return AbsCheckpoint.Load(weightsPath);
        }

        if (!File.Exists(weightsPath))
        {
            throw new InvalidInputException($"model file {weightsPath} does not exist; train one with `./fooling train --out {weightsPath}`");
        }

        if (OnnxCheckpoint.IsOnnxPath(weightsPath))
        {
            return OnnxCheckpoint.Load(weightsPath, backend);
        }

        if (!File.Exists(SidecarPath(weightsPath)))
        {
            return SidecarlessCheckpoint.Load(weightsPath);
        }

        ModelSidecar sidecar = ModelSidecar.Load(SidecarPath(weightsPath));
        if (sidecar.Architecture == AbsCheckpoint.ArchitectureName)
        {
            return AbsCheckpoint.LoadPacked(weightsPath, sidecar);
        }

        if (OnnxCheckpoint.IsOnnxArchitecture(sidecar.Architecture))
        {
            // An ONNX model under another name (a worker's cache file): the sidecar says so.
            return OnnxCheckpoint.Load(weightsPath, backend ?? (sidecar.Architecture == ModelBackends.OnnxRuntimeName ? ModelBackend.OnnxRuntime : ModelBackend.Engine));
        }

        int inputs = (int)Math.Min(int.MaxValue, sidecar.InputShape.Aggregate(1L, (product, d) => product * d));
        Module model = Architecture.Create(sidecar.Architecture, seed: 0, sidecar.Classes, inputs);
        SafeTensors.LoadInto(weightsPath, model.StateDict());
        model.Eval();
        return new LoadedModel(weightsPath, model, sidecar);
    }
}
