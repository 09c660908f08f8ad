using FoolingCluster.Models.Import.Onnx;
using FoolingCluster.Tensors;
using FoolingCluster.Tensors.Autograd;
using FoolingCluster.Tensors.NN;

namespace FoolingCluster.Models.Checkpoints;

/// <summary>
/// An ONNX classifier (<c>.onnx</c>) opened where any model is taken, by the engine's importer
/// or by ONNX Runtime. A sidecar beside it whose architecture is <c>onnxruntime</c> (a run
/// folder's copy of a target run that way) picks ONNX Runtime when no backend is named.
/// </summary>
public static class OnnxCheckpoint
{
    /// <summary>Whether <paramref name="path"/> names an ONNX file (by its extension).</summary>
    public static bool IsOnnxPath(string path) => path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether a sidecar's architecture says its weights file is an ONNX model.</summary>
    public static bool IsOnnxArchitecture(string architecture) =>
        architecture is OnnxModelInfo.ArchitectureName or ModelBackends.OnnxRuntimeName;

    /// <summary>Loads the ONNX model at <paramref name="path"/>; its description (where each fact came from) is in <see cref="LoadedModel.Description"/>.</summary>
    /// <param name="path">The <c>.onnx</c> file.</param>
    /// <param name="backend">What runs it; null for the sidecar's choice, else the engine.</param>
    /// <exception cref="InvalidInputException">The file cannot be imported (the message names it); a graph the importer does not cover suggests ONNX Runtime.</exception>
    public static LoadedModel Load(string path, ModelBackend? backend)
    {
        ModelBackend chosen = backend ?? SidecarBackend(path);
        if (chosen == ModelBackend.OnnxRuntime)
        {
            return LoadWithRuntime(path);
        }

        OnnxNetwork network;
        try
        {
            network = OnnxImporter.Load(path);
        }
        catch (OnnxFormatException e) when (e.Unsupported)
        {
            throw new OnnxFormatException(e.Path, $"{e.Message[(e.Path.Length + 2)..]} (run it with --backend {ModelBackends.OnnxRuntimeName} to use ONNX Runtime, forward only)", e) { Unsupported = true };
        }

        ModelSidecar sidecar = network.Info.ToSidecar(File.GetLastWriteTimeUtc(path));
        return new LoadedModel(path, network, sidecar)
        {
            Description = OnnxModelDescription.Lines(path, network.Info, ModelBackend.Engine, network.StepCount),
        };
    }

    private static LoadedModel LoadWithRuntime(string path)
    {
        Func<string, OnnxModelInfo, Module> factory = ModelBackends.OnnxRuntimeFactory
            ?? throw new InvalidInputException($"{path}: ONNX Runtime is not available in this program; use --backend {ModelBackends.EngineName}");
        OnnxModelInfo info = OnnxImporter.Describe(path);
        Module model = factory(path, info);
        info = info with { Classes = Classes(model, info, path) };
        OnnxDescriptionReader.CheckClasses(info, info.Classes, path);

        ModelSidecar sidecar = info.ToSidecar(File.GetLastWriteTimeUtc(path)) with { Architecture = ModelBackends.OnnxRuntimeName };
        return new LoadedModel(path, model, sidecar)
        {
            Description = OnnxModelDescription.Lines(path, info, ModelBackend.OnnxRuntime, steps: null),
        };
    }

    /// <summary>K, from a run on two zero images.</summary>
    private static int Classes(Module model, OnnxModelInfo info, string path)
    {
        using TensorScope scope = TensorScope.Begin();
        using NoGradScope noGrad = NoGradScope.Begin();
        Tensor logits = model.Forward(Tensor.Zeros([2, .. info.ImageShape]));
        return logits.Rank == 2 && logits.Shape[0] == 2
            ? logits.Shape[1]
            : throw new OnnxFormatException(path, $"the graph's output must be logits [N,K]; on two images it is {Tensor.ShapeString(logits.Shape)}");
    }

    /// <summary>ONNX Runtime where the sidecar beside the file says so, else the engine.</summary>
    private static ModelBackend SidecarBackend(string path)
    {
        string sidecar = ModelSidecar.PathFor(path);
        return File.Exists(sidecar) && ModelSidecar.Load(sidecar).Architecture == ModelBackends.OnnxRuntimeName
            ? ModelBackend.OnnxRuntime
            : ModelBackend.Engine;
    }
}
