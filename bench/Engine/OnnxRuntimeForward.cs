using FoolingCluster.Tensors;
using Microsoft.ML.OnnxRuntime;

namespace FoolingCluster.Bench;

/// <summary>
/// One ONNX graph on ONNX Runtime with a fixed input batch, for timing its forward pass next to
/// the engine's: intra-op threads set to the engine's thread count and one inter-op thread, so
/// both use the same cores; graph optimisations at ONNX Runtime's default (all).
/// </summary>
public sealed class OnnxRuntimeForward : IDisposable
{
    private readonly InferenceSession _session;
    private readonly OrtValue _input;
    private readonly Dictionary<string, OrtValue> _inputs;
    private readonly string[] _outputs;
    private readonly RunOptions _run = new();

    /// <summary>Loads <paramref name="model"/> and holds <paramref name="images"/> as its input.</summary>
    /// <param name="model">The ONNX file's bytes; input <c>[N,C,H,W]</c> → logits <c>[N,K]</c>.</param>
    /// <param name="images">The input batch <c>[N,C,H,W]</c>.</param>
    /// <param name="threads">Intra-op threads (the engine's <see cref="Engine.Threads"/>).</param>
    public OnnxRuntimeForward(byte[] model, Tensor images, int threads)
    {
        ArgumentNullException.ThrowIfNull(images);
        using var options = new SessionOptions
        {
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        _session = new InferenceSession(model, options);
        string inputName = _session.InputMetadata.Keys.First();
        _outputs = [_session.OutputMetadata.Keys.First()];
        _input = OrtValue.CreateTensorValueFromMemory(images.ToArray(), [.. images.Shape.Select(d => (long)d)]);
        _inputs = new Dictionary<string, OrtValue>(StringComparer.Ordinal) { [inputName] = _input };
    }

    /// <summary>Runs the graph once on the held batch and discards the logits.</summary>
    public void Run()
    {
        using IDisposableReadOnlyCollection<OrtValue> outputs = _session.Run(_run, _inputs, _outputs);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _input.Dispose();
        _run.Dispose();
        _session.Dispose();
    }
}
