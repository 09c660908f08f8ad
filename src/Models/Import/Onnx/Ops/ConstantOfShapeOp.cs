using FoolingCluster.Models.Import.Onnx.Proto;
using FoolingCluster.Tensors;

namespace FoolingCluster.Models.Import.Onnx.Ops;

/// <summary>
/// ONNX <c>ConstantOfShape</c> (opset 9–22) of a shape known at load, folded at load: a float32
/// or int64 tensor of that shape filled with <c>value</c> (default float 0).
/// </summary>
internal sealed class ConstantOfShapeOp : IOnnxOp
{
    /// <inheritdoc/>
    public IReadOnlyList<string> OpTypes { get; } = ["ConstantOfShape"];

    /// <inheritdoc/>
    public void Convert(OnnxNode node, OnnxGraphBuilder graph)
    {
        node.AllowOnly("value");
        node.RequireInputs(1, 1);
        long[] shape = graph.Int64Constant(node.Input(0))
            ?? throw node.Unsupported($"a shape '{node.Input(0)}' that is not known at load or follows the batch size");
        if (shape.Any(d => d < 0 || d > int.MaxValue))
        {
            throw node.Invalid($"has shape {OnnxNode.List(shape)}");
        }

        int[] dims = [.. shape.Select(d => (int)d)];
        int size = checked(Tensor.ShapeSize(dims));
        string where = $"node '{node.Name}' (ConstantOfShape) value";
        TensorProto? value = node.Tensor("value");
        if (value is not null && value.Dims.Aggregate(1L, (a, d) => a * d) != 1)
        {
            throw node.Invalid("has a value of other than one element");
        }

        if (value is not null && OnnxTensorData.IsInt64(value))
        {
            long fill = OnnxTensorData.Int64s(value, node.Path, where)[0];
            graph.AddInt64Constant(node.Outputs[0], [.. Enumerable.Repeat(fill, size)], dims);
            return;
        }

        float v = value is null ? 0f : OnnxTensorData.Floats(value, node.Path, where)[0];
        graph.AddFloatConstant(node.Outputs[0], Tensor.Wrap([.. Enumerable.Repeat(v, size)], dims));
    }
}
