using FoolingCluster.Models.Abs;
using FoolingCluster.Tensors;

namespace FoolingCluster.Models.Checkpoints;

/// <summary>What runs an ONNX model: the engine's own ops, or ONNX Runtime (forward only).</summary>
public enum ModelBackend
{
    /// <summary>The graph imported into the engine's ops (<see cref="Import.Onnx.OnnxImporter"/>), with gradients.</summary>
    Engine,

    /// <summary>ONNX Runtime's session, for graphs the importer does not cover: outputs only, no gradients.</summary>
    OnnxRuntime,
}

/// <summary>The names of <see cref="ModelBackend"/> on the command line and in sidecars.</summary>
public static class ModelBackends
{
    /// <summary>Name of <see cref="ModelBackend.Engine"/>.</summary>
    public const string EngineName = "engine";

    /// <summary>Name of <see cref="ModelBackend.OnnxRuntime"/>, also the architecture a run folder's sidecar records for it.</summary>
    public const string OnnxRuntimeName = "onnxruntime";

    /// <summary>
    /// Builds the ONNX Runtime model of a file: images <c>[N,C,H,W]</c> → logits <c>[N,K]</c>,
    /// normalised and flattened as <see cref="Import.Onnx.OnnxModelInfo"/> says. Set by the
    /// program that ships ONNX Runtime, so that this library and the projects that only need
    /// the engine do not carry its native library.
    /// </summary>
    public static Func<string, Import.Onnx.OnnxModelInfo, Tensors.NN.Module>? OnnxRuntimeFactory { get; set; }

    /// <summary>Parses a backend name.</summary>
    /// <exception cref="InvalidInputException">Not <c>engine</c> or <c>onnxruntime</c>.</exception>
    public static ModelBackend Parse(string name) => name switch
    {
        EngineName => ModelBackend.Engine,
        OnnxRuntimeName => ModelBackend.OnnxRuntime,
        _ => throw new InvalidInputException($"--backend must be {EngineName} or {OnnxRuntimeName} (got '{name}')"),
    };

    /// <summary>
    /// Refuses ONNX Runtime for a model that is not an ONNX classifier (an <c>.onnx</c> file, or a
    /// file whose sidecar says it is one): the backend chooses only what runs an ONNX graph, so
    /// naming it for weights or an ABS model is a mistake to say, not to ignore. Called before any
    /// work, including training a missing target.
    /// </summary>
    /// <exception cref="InvalidInputException"><paramref name="backend"/> is ONNX Runtime and <paramref name="modelPath"/> is not an ONNX model.</exception>
    public static void RequireApplies(string modelPath, ModelBackend? backend)
    {
        ArgumentNullException.ThrowIfNull(modelPath);
        if (backend != ModelBackend.OnnxRuntime || OnnxCheckpoint.IsOnnxPath(modelPath))
        {
            return;
        }

        // An ONNX model kept under another name (a worker's cache file) says so in its sidecar.
        string sidecar = ModelSidecar.PathFor(modelPath);
        if (!AbsCheckpoint.IsAbsPath(modelPath) && File.Exists(sidecar) && OnnxCheckpoint.IsOnnxArchitecture(ModelSidecar.Load(sidecar).Architecture))
        {
            return;
        }

        throw new InvalidInputException($"--backend {OnnxRuntimeName} applies only to an ONNX model (.onnx); {modelPath} is not one and always runs on the engine: leave --backend out");
    }

    /// <summary>The name of <paramref name="backend"/>.</summary>
    public static string Name(ModelBackend backend) => backend == ModelBackend.OnnxRuntime ? OnnxRuntimeName : EngineName;

    /// <summary>
    /// What runs the model <paramref name="sidecar"/> describes, as a cluster job names it so that
    /// every worker runs the target as its coordinator does: the backend's name for an ONNX model
    /// (whose sidecar says <c>onnx</c> when the engine runs it and <c>onnxruntime</c> otherwise),
    /// "" for any other model.
    /// </summary>
    public static string JobName(ModelSidecar sidecar)
    {
        ArgumentNullException.ThrowIfNull(sidecar);
        return sidecar.Architecture switch
        {
            OnnxRuntimeName => OnnxRuntimeName,
            Import.Onnx.OnnxModelInfo.ArchitectureName => EngineName,
            _ => string.Empty,
        };
    }
}
