namespace FoolingCluster.Models.Import.Onnx.Ops;

/// <summary>
/// The <c>axes</c> of Squeeze and Unsqueeze: an attribute before opset 13, a constant int64 input
/// (input 1) from opset 13, as PyTorch writes them for each.
/// </summary>
internal static class AxesInput
{
    /// <summary>The axes as written (possibly negative), or null when absent (Squeeze's "every 1").</summary>
    /// <exception cref="OnnxFormatException">The axes are computed at run time, or given the wrong way for the opset.</exception>
    public static long[]? Read(OnnxNode node, OnnxGraphBuilder graph)
    {
        if (graph.Opset < 13)
        {
            node.AllowOnly("axes");
            node.RequireInputs(1, 1);
            return node.Ints("axes");
        }

        node.AllowOnly();
        node.RequireInputs(1, 2);
        string? axes = node.Input(1);
        return axes is null
            ? null
            : graph.Int64Constant(axes) ?? throw node.Unsupported($"axes '{axes}' computed at run time");
    }

    /// <summary>The axes made non-negative for a tensor of rank <paramref name="rank"/>, sorted, each once.</summary>
    /// <exception cref="FoolingCluster.Tensors.ShapeMismatchException">An axis is outside the rank or repeated.</exception>
    public static int[] Normalise(long[] axes, int rank, string op)
    {
        int[] result = new int[axes.Length];
        for (int i = 0; i < axes.Length; i++)
        {
            long a = axes[i] < 0 ? axes[i] + rank : axes[i];
            if (a < 0 || a >= rank)
            {
                throw new FoolingCluster.Tensors.ShapeMismatchException($"{op}: axis {axes[i]} is outside rank {rank}");
            }

            result[i] = (int)a;
        }

        Array.Sort(result);
        if (result.Distinct().Count() != result.Length)
        {
            throw new FoolingCluster.Tensors.ShapeMismatchException($"{op}: axes {OnnxNode.List(axes)} repeat an axis");
        }

        return result;
    }
}
