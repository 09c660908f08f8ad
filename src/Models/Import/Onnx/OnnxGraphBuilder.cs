using FoolingCluster.Tensors;

namespace FoolingCluster.Models.Import.Onnx;

/// <summary>
/// What the op converters build into: the constants known at load (float weights, int64 shape
/// tensors) and the run-time steps. It checks that every value a node reads was produced
/// earlier, and that float ops are not fed int64 tensors.
/// </summary>
public sealed class OnnxGraphBuilder
{
    private readonly Dictionary<string, Tensor> _floats = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (long[] Values, int[] Dims)> _int64s = new(StringComparer.Ordinal);
    private readonly HashSet<string> _computed = new(StringComparer.Ordinal);
    private readonly List<OnnxStep> _steps = [];
    private readonly string _path;
    private string? _input;

    internal OnnxGraphBuilder(string path, int opset)
    {
        _path = path;
        Opset = opset;
    }

    /// <summary>Version of the standard operator set the model was written against.</summary>
    public int Opset { get; }

    /// <summary>Declares the graph input, fed at run time.</summary>
    internal void AddInput(string name)
    {
        _input = name;
        _computed.Add(name);
    }

    /// <summary>Adds a float constant known at load (an initializer or a Constant node's value).</summary>
    public void AddFloatConstant(string name, Tensor value) => _floats[name] = value;

    /// <summary>Adds an int64 constant known at load (a shape tensor).</summary>
    /// <param name="dims">Its dimensions, e.g. <c>[2]</c> for a shape of rank 2.</param>
    public void AddInt64Constant(string name, long[] values, int[] dims) => _int64s[name] = (values, dims);

    /// <summary>The float constant named <paramref name="name"/>, or null when it is not one.</summary>
    public Tensor? FloatConstant(string? name) => name is not null && _floats.TryGetValue(name, out Tensor? t) ? t : null;

    /// <summary>The int64 constant named <paramref name="name"/>, or null when it is not one.</summary>
    public long[]? Int64Constant(string? name) => name is not null && _int64s.TryGetValue(name, out (long[] Values, int[] Dims) c) ? c.Values : null;

    /// <summary>The dimensions of the int64 constant named <paramref name="name"/>, or null when it is not one.</summary>
    public int[]? Int64ConstantDims(string? name) => name is not null && _int64s.TryGetValue(name, out (long[] Values, int[] Dims) c) ? c.Dims : null;

    /// <summary>
    /// Adds a run-time step computing the node's first output from <paramref name="inputs"/>.
    /// </summary>
    /// <param name="inputs">Value names the step reads, null for an omitted optional input.</param>
    /// <param name="run">The engine ops; receives the inputs' tensors in the same order.</param>
    /// <exception cref="OnnxFormatException">An input is undefined or is an int64 tensor.</exception>
    public void AddStep(OnnxNode node, IReadOnlyList<string?> inputs, Func<Tensor?[], Tensor> run)
    {
        foreach (string? name in inputs)
        {
            RequireFloat(node, name);
        }

        string output = node.Outputs.Count > 0 && node.Outputs[0].Length > 0
            ? node.Outputs[0]
            : throw node.Invalid("has no output");
        _steps.Add(new OnnxStep(node.Name, node.OpType, [.. inputs], output, run));
        _computed.Add(output);
    }

    /// <summary>Checks that <paramref name="name"/> is a float value available at run time.</summary>
    /// <exception cref="OnnxFormatException">It is undefined or an int64 tensor.</exception>
    public void RequireFloat(OnnxNode node, string? name)
    {
        if (name is null || _computed.Contains(name) || _floats.ContainsKey(name))
        {
            return;
        }

        if (_int64s.ContainsKey(name))
        {
            throw node.Unsupported($"reading the int64 tensor '{name}' as data (only float32 tensors flow through the network)");
        }

        throw node.Invalid($"reads '{name}', which no earlier node, initializer or graph input produces");
    }

    /// <summary>The finished graph whose result is the value <paramref name="output"/>.</summary>
    /// <exception cref="OnnxFormatException">The output is never produced.</exception>
    internal OnnxGraph Build(string output)
    {
        if (_input is null)
        {
            throw new InvalidOperationException("the graph input must be declared before building");
        }

        if (!_computed.Contains(output) && !_floats.ContainsKey(output))
        {
            throw new OnnxFormatException(_path, $"the graph output '{output}' is not produced by any node the importer computes");
        }

        return new OnnxGraph(_input, output, new Dictionary<string, Tensor>(_floats, StringComparer.Ordinal), [.. _steps]);
    }
}
