using FoolingCluster.Tensors;

namespace FoolingCluster.Models.Import.Onnx;

/// <summary>
/// An imported graph ready to run: its constants and its steps in the file's (topological)
/// order. Every step runs the engine's ops, so a forward pass leaves a tape to differentiate.
/// </summary>
internal sealed class OnnxGraph(string input, string output, IReadOnlyDictionary<string, Tensor> constants, IReadOnlyList<OnnxStep> steps)
{
    /// <summary>Number of steps (converted nodes that compute something at run time).</summary>
    public int StepCount => steps.Count;

    /// <summary>Runs every step on <paramref name="x"/> and returns the graph's output.</summary>
    /// <param name="x">The graph input, in the shape the graph declares (e.g. <c>[N,C,H,W]</c>).</param>
    /// <exception cref="ShapeMismatchException">A step's operands disagree; the message names the node.</exception>
    public Tensor Run(Tensor x)
    {
        var values = new Dictionary<string, Tensor>(StringComparer.Ordinal) { [input] = x };
        foreach (OnnxStep step in steps)
        {
            var args = new Tensor?[step.Inputs.Length];
            for (int i = 0; i < args.Length; i++)
            {
                string? name = step.Inputs[i];
                args[i] = name is null ? null : values.TryGetValue(name, out Tensor? v) ? v : constants[name];
            }

            try
            {
                values[step.Output] = step.Run(args);
            }
            catch (ShapeMismatchException e)
            {
                throw new ShapeMismatchException($"node '{step.Node}' ({step.OpType}): {e.Message}");
            }
        }

        return values.TryGetValue(output, out Tensor? y) ? y : constants[output];
    }
}
