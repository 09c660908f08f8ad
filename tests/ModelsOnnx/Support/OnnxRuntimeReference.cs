using Microsoft.ML.OnnxRuntime;

namespace FoolingCluster.Models.Onnx.Tests.Support;

/// <summary>Runs a model with ONNX Runtime, the reference every imported graph is compared with.</summary>
internal static class OnnxRuntimeReference
{
    /// <summary>The first output of <paramref name="model"/> on one float input.</summary>
    /// <param name="input">Row-major elements of shape <paramref name="shape"/>.</param>
    /// <returns>The output's elements and shape.</returns>
    public static (float[] Values, long[] Shape) Run(byte[] model, float[] input, params long[] shape)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        using var session = new InferenceSession(model, options);
        using OrtValue value = OrtValue.CreateTensorValueFromMemory(input, shape);
        using var runOptions = new RunOptions();
        var inputs = new Dictionary<string, OrtValue> { [session.InputNames[0]] = value };
        using IDisposableReadOnlyCollection<OrtValue> outputs = session.Run(runOptions, inputs, [session.OutputNames[0]]);
        OrtValue output = outputs[0];
        return (output.GetTensorDataAsSpan<float>().ToArray(), output.GetTensorTypeAndShape().Shape);
    }
}
