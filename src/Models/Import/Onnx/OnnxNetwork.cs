using FoolingCluster.Tensors;
using FoolingCluster.Tensors.NN;
using FoolingCluster.Tensors.Ops;

namespace FoolingCluster.Models.Import.Onnx;

/// <summary>
/// An imported ONNX classifier as a <see cref="Module"/>, like the built-in networks: images
/// <c>[N,C,H,W]</c> in <see cref="OnnxModelInfo.InputRange"/> (usually [0,1]) → logits
/// <c>[N,K]</c>, every op on the tape so attacks get input gradients. The float initializers
/// are its parameters, under their ONNX names.
/// </summary>
/// <remarks>
/// Metadata normalisation (<see cref="OnnxMetadataKeys.Mean"/>, <see cref="OnnxMetadataKeys.Std"/>)
/// is applied here before the graph, and a graph with flat input gets the images flattened,
/// so callers never need to know how the file was exported.
/// </remarks>
public sealed class OnnxNetwork : Module
{
    private readonly OnnxGraph _graph;
    private readonly Tensor? _mean;
    private readonly Tensor? _std;

    internal OnnxNetwork(OnnxGraph graph, OnnxModelInfo info, IEnumerable<(string Name, Tensor Tensor)> parameters)
    {
        _graph = graph;
        Info = info;
        foreach ((string name, Tensor tensor) in parameters)
        {
            RegisterParameter(name, tensor);
        }

        int channels = info.ImageShape[0];
        _mean = info.Mean is null ? null : Tensor.Wrap(info.Mean, 1, channels, 1, 1);
        _std = info.Std is null ? null : Tensor.Wrap(info.Std, 1, channels, 1, 1);
    }

    /// <summary>What the model takes and gives.</summary>
    public OnnxModelInfo Info { get; internal set; }

    /// <summary>Number of graph nodes that run (constants folded at load are not counted).</summary>
    public int StepCount => _graph.StepCount;

    /// <summary><c>[N,C,H,W] → [N,K]</c> logits.</summary>
    /// <exception cref="ShapeMismatchException">The images are not <c>[N,C,H,W]</c> of the model's image shape, or the graph does not give <c>[N,K]</c>.</exception>
    public override Tensor Forward(Tensor x)
    {
        int[] image = Info.ImageShape;
        if (x.Rank != 4 || !Tensor.SameShape(x.Shape.AsSpan(1), image))
        {
            throw new ShapeMismatchException($"the ONNX model takes images [N,{string.Join(",", image)}]; got {Tensor.ShapeString(x.Shape)}");
        }

        Tensor h = x;
        if (_mean is not null && _std is not null)
        {
            h = Functional.DivBroadcast(Functional.SubBroadcast(h, _mean), _std);
        }

        if (Info.InputRank == 2)
        {
            h = Functional.Reshape(h, x.Shape[0], image[0] * image[1] * image[2]);
        }

        Tensor y = _graph.Run(h);
        if (y.Rank != 2 || y.Shape[0] != x.Shape[0])
        {
            throw new ShapeMismatchException($"the ONNX model's output '{Info.OutputName}' must be logits [{x.Shape[0]},K]; got {Tensor.ShapeString(y.Shape)}");
        }

        return y;
    }
}
