using FoolingCluster.Models.Checkpoints;
using FoolingCluster.Models.Import.Onnx;
using FoolingCluster.Tensors;
using FoolingCluster.Tensors.Autograd;
using FoolingCluster.Tensors.NN;
using Microsoft.ML.OnnxRuntime;

namespace FoolingCluster.Cli.ModelFiles;

/// <summary>
/// An ONNX classifier run by ONNX Runtime (<c>--backend onnxruntime</c>), for graphs the
/// engine's importer does not cover: images <c>[N,C,H,W]</c> in the model's range → logits
/// <c>[N,K]</c>, normalised and flattened as its metadata says, exactly as
/// <see cref="OnnxNetwork"/> feeds its graph. Forward only: it has no parameters and gives no
/// gradients, so searches and decision-based or gradient-estimating attacks can use it, and a
/// gradient attack is refused when it asks for the input gradient.
/// </summary>
internal sealed class OnnxRuntimeModel : Module, IDisposable
{
    private readonly InferenceSession _session;
    private readonly OnnxModelInfo _info;
    private readonly string _path;

    private OnnxRuntimeModel(string path, OnnxModelInfo info)
    {
        _path = path;
        _info = info;
        try
        {
            _session = new InferenceSession(path);
        }
        catch (OnnxRuntimeException e)
        {
            throw new OnnxFormatException(path, $"ONNX Runtime cannot load the model: {e.Message}", e);
        }
    }

    /// <summary>Makes <see cref="ModelCheckpoint.Load"/> open ONNX models with this class under <c>--backend onnxruntime</c>.</summary>
    public static void Register() => ModelBackends.OnnxRuntimeFactory ??= (path, info) => new OnnxRuntimeModel(path, info);

    /// <summary><c>[N,C,H,W] → [N,K]</c> logits.</summary>
    /// <exception cref="ShapeMismatchException">The images are not of the model's shape.</exception>
    /// <exception cref="InvalidInputException">Called for an input gradient, which ONNX Runtime cannot give.</exception>
    public override Tensor Forward(Tensor x)
    {
        int[] image = _info.ImageShape;
        if (x.Rank != 4 || !Tensor.SameShape(x.Shape.AsSpan(1), image))
        {
            throw new ShapeMismatchException($"the ONNX model takes images [N,{string.Join(",", image)}]; got {Tensor.ShapeString(x.Shape)}");
        }

        if (x.RequiresGrad && !NoGradScope.IsActive)
        {
            throw new InvalidInputException($"{_path} runs on ONNX Runtime (--backend {ModelBackends.OnnxRuntimeName}), which gives no gradients; use a decision-based attack, estimated gradients (eval-robustness --probes), or --backend {ModelBackends.EngineName}");
        }

        int n = x.Shape[0];
        float[] input = Normalised(x);
        long[] shape = _info.InputRank == 4
            ? [n, image[0], image[1], image[2]]
            : [n, (long)image[0] * image[1] * image[2]];
        using OrtValue value = OrtValue.CreateTensorValueFromMemory(input, shape);
        using var runOptions = new RunOptions();
        var inputs = new Dictionary<string, OrtValue> { [_info.InputName] = value };
        using IDisposableReadOnlyCollection<OrtValue> outputs = _session.Run(runOptions, inputs, [_info.OutputName]);
        long[] outShape = outputs[0].GetTensorTypeAndShape().Shape;
        if (outShape.Length != 2 || outShape[0] != n)
        {
            throw new ShapeMismatchException($"the ONNX model's output '{_info.OutputName}' must be logits [{n},K]; got [{string.Join(",", outShape)}]");
        }

        return Tensor.FromArray(outputs[0].GetTensorDataAsSpan<float>(), n, (int)outShape[1]);
    }

    /// <summary>Releases the session; a loaded model otherwise lives as long as the command.</summary>
    public void Dispose() => _session.Dispose();

    /// <summary>The images as the graph takes them: <c>(x − mean) / std</c> per channel where the metadata gives them.</summary>
    private float[] Normalised(Tensor x)
    {
        float[] values = x.ToArray();
        if (_info.Mean is not float[] mean || _info.Std is not float[] std)
        {
            return values;
        }

        int plane = _info.ImageShape[1] * _info.ImageShape[2];
        int channels = _info.ImageShape[0];
        for (int i = 0; i < values.Length; i++)
        {
            int c = i / plane % channels;
            values[i] = (values[i] - mean[c]) / std[c];
        }

        return values;
    }
}
