using FoolingCluster.Models.Import.Onnx.Proto;
using FoolingCluster.Tensors;

namespace FoolingCluster.Models.Import.Onnx.Ops;

/// <summary>
/// ONNX <c>Constant</c> (opset 1–22): a float32 or int64 tensor (<c>value</c>), or a float or
/// integer scalar or list (<c>value_float(s)</c>, <c>value_int(s)</c>), known at load.
/// </summary>
internal sealed class ConstantOp : IOnnxOp
{
    /// <inheritdoc/>
    public IReadOnlyList<string> OpTypes { get; } = ["Constant"];

    /// <inheritdoc/>
    public void Convert(OnnxNode node, OnnxGraphBuilder graph)
    {
        node.AllowOnly("value", "value_float", "value_floats", "value_int", "value_ints");
        node.RequireInputs(0, 0);
        string output = node.Outputs.Count == 1 && node.Outputs[0].Length > 0 ? node.Outputs[0] : throw node.Invalid("must have exactly one output");
        if (node.Tensor("value") is TensorProto t)
        {
            string where = $"node '{node.Name}' (Constant) value";
            int[] dims = OnnxTensorData.Dims(t, node.Path, where);
            if (OnnxTensorData.IsInt64(t))
            {
                graph.AddInt64Constant(output, OnnxTensorData.Int64s(t, node.Path, where), dims);
            }
            else
            {
                graph.AddFloatConstant(output, Tensor.Wrap(OnnxTensorData.Floats(t, node.Path, where), dims));
            }
        }
        else if (node.Has("value_float"))
        {
            graph.AddFloatConstant(output, Tensor.Wrap([node.Float("value_float", 0f)]));
        }
        else if (node.Floats("value_floats") is float[] floats)
        {
            graph.AddFloatConstant(output, Tensor.Wrap(floats, floats.Length));
        }
        else if (node.Has("value_int"))
        {
            graph.AddInt64Constant(output, [node.Int("value_int", 0)], []);
        }
        else if (node.Ints("value_ints") is long[] ints)
        {
            graph.AddInt64Constant(output, ints, [ints.Length]);
        }
        else
        {
            throw node.Invalid("has no value");
        }
    }
}
