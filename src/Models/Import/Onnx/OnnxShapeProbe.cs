using FoolingCluster.Tensors;
using FoolingCluster.Tensors.Autograd;

namespace FoolingCluster.Models.Import.Onnx;

/// <summary>
/// Runs the steps converted so far on zero images of batch 1 and batch 2, so a converter can
/// learn a run-time value's shape at load (ONNX <c>Shape</c>, a softmax's rank) and tell the
/// dimensions that follow the batch size from those that do not. Each step runs at most once
/// per probe, when a later node first asks; a replaced step runs again.
/// </summary>
internal sealed class OnnxShapeProbe(string input, int[] imageShape, int inputRank, IReadOnlyList<OnnxStep> steps, IReadOnlyDictionary<string, Tensor> constants)
{
    /// <summary>The two probe batch sizes.</summary>
    public static readonly int[] Batches = [1, 2];

    private readonly Dictionary<string, Tensor>[] _values = [new(StringComparer.Ordinal), new(StringComparer.Ordinal)];
    private int _next;

    /// <summary>The shapes of <paramref name="name"/> at batch 1 and batch 2.</summary>
    /// <exception cref="ShapeMismatchException">A step on the way does not run on the probe images.</exception>
    public (int[] One, int[] Two) Shapes(string name)
    {
        if (_values[0].Count == 0)
        {
            for (int b = 0; b < Batches.Length; b++)
            {
                int[] shape = inputRank == 4 ? [Batches[b], .. imageShape] : [Batches[b], imageShape.Aggregate(1, (p, d) => p * d)];
                _values[b][input] = Tensor.Wrap(new float[Tensor.ShapeSize(shape)], shape);
            }
        }

        using NoGradScope noGrad = NoGradScope.Begin();
        while (!_values[0].ContainsKey(name) && !constants.ContainsKey(name) && _next < steps.Count)
        {
            OnnxStep step = steps[_next++];
            for (int b = 0; b < Batches.Length; b++)
            {
                Dictionary<string, Tensor> values = _values[b];
                Tensor?[] args = [.. step.Inputs.Select(n => n is null ? null : values.TryGetValue(n, out Tensor? v) ? v : constants[n])];
                values[step.Output] = step.Run(args);
            }
        }

        if (constants.TryGetValue(name, out Tensor? constant))
        {
            return (constant.Shape, constant.Shape);
        }

        return (_values[0][name].Shape, _values[1][name].Shape);
    }

    /// <summary>Forgets what step <paramref name="index"/> and later computed, after it was replaced.</summary>
    public void Rewind(int index) => _next = Math.Min(_next, index);
}
