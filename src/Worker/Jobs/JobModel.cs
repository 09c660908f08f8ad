using FoolingCluster.Evolution.Evaluation;
using FoolingCluster.Models.Checkpoints;
using FoolingCluster.Protocol.Messages;

namespace FoolingCluster.Worker.Jobs;

/// <summary>
/// Opens a run's model on a worker as the coordinator runs it: an ONNX target with the backend
/// the run spec names, whatever sidecar a cached copy of the same file carries from an earlier
/// run (the same <c>.onnx</c> may be run by the engine in one run and ONNX Runtime in the next).
/// </summary>
internal static class JobModel
{
    /// <summary>Loads the model at <paramref name="path"/> for <paramref name="spec"/>'s run and says how it was read.</summary>
    /// <exception cref="InvalidJobException">The spec names an unknown backend.</exception>
    /// <exception cref="Tensors.InvalidInputException">The model cannot be loaded or run.</exception>
    public static (LoadedModel Loaded, ModuleClassifier Classifier) Load(RunSpecMessage spec, string path, Action<string>? log)
    {
        (LoadedModel loaded, ModuleClassifier classifier) = ClassifierCheckpoint.Load(path, Backend(spec));
        string how = loaded.Description.Count > 0 ? loaded.Description[0] : $"model {path} ({loaded.Sidecar.Architecture})";
        log?.Invoke($"run {spec.RunId}: {how}");
        return (loaded, classifier);
    }

    /// <summary>The backend the spec names; null for a model that is not ONNX, which its sidecar describes.</summary>
    private static ModelBackend? Backend(RunSpecMessage spec) => spec.ModelBackend switch
    {
        "" => null,
        ModelBackends.EngineName => ModelBackend.Engine,
        ModelBackends.OnnxRuntimeName => ModelBackend.OnnxRuntime,
        string other => throw new InvalidJobException($"run {spec.RunId} runs its model on '{other}'; this worker knows {ModelBackends.EngineName} and {ModelBackends.OnnxRuntimeName}"),
    };
}
