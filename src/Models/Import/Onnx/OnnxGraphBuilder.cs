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
    private readonly Dictionary<string, OnnxInt64Value> _int64s = new(StringComparer.Ordinal);
    private readonly Dictionary<string, object> _tags = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _consumers = new(StringComparer.Ordinal);
    private readonly HashSet<string> _computed = new(StringComparer.Ordinal);
    private readonly List<OnnxStep> _steps = [];
    private readonly string _path;
    private string? _input;
    private OnnxShapeProbe? _probe;

    internal OnnxGraphBuilder(string path, int opset)
    {
        _path = path;
        Opset = opset;
    }

    /// <summary>Version of the standard operator set the model was written against.</summary>
    public int Opset { get; }

    /// <summary>Declares the graph input, fed at run time as images <paramref name="imageShape"/> (flattened when <paramref name="inputRank"/> is 2).</summary>
    internal void AddInput(string name, int[] imageShape, int inputRank)
    {
        _input = name;
        _computed.Add(name);
        _probe = new OnnxShapeProbe(name, imageShape, inputRank, _steps, _floats);
    }

    /// <summary>Records how many node inputs and graph outputs read each value, before any node is converted.</summary>
    internal void CountConsumers(IEnumerable<string> reads)
    {
        foreach (string name in reads.Where(n => n.Length > 0))
        {
            _consumers[name] = _consumers.GetValueOrDefault(name) + 1;
        }
    }

    /// <summary>How many node inputs (and graph outputs) read <paramref name="name"/> in the whole graph.</summary>
    public int Consumers(string name) => _consumers.GetValueOrDefault(name);

    /// <summary>Adds a float constant known at load (an initializer or a Constant node's value).</summary>
    public void AddFloatConstant(string name, Tensor value) => _floats[name] = value;

    /// <summary>Adds an int64 constant known at load (a shape tensor).</summary>
    /// <param name="dims">Its dimensions, e.g. <c>[2]</c> for a shape of rank 2.</param>
    public void AddInt64Constant(string name, long[] values, int[] dims) => _int64s[name] = new(values, dims);

    /// <summary>Adds an int64 value folded at load whose elements may scale with the batch size.</summary>
    public void AddInt64Value(string name, OnnxInt64Value value) => _int64s[name] = value;

    /// <summary>The int64 value named <paramref name="name"/>, batch-dependent or not, or null when it is not one.</summary>
    public OnnxInt64Value? Int64Value(string? name) => name is not null && _int64s.TryGetValue(name, out OnnxInt64Value? v) ? v : null;

    /// <summary>The float constant named <paramref name="name"/>, or null when it is not one.</summary>
    public Tensor? FloatConstant(string? name) => name is not null && _floats.TryGetValue(name, out Tensor? t) ? t : null;

    /// <summary>The int64 constant named <paramref name="name"/>, or null when it is not one.</summary>
    /// <remarks>A value that depends on the batch size is not a constant: see <see cref="Int64Value"/>.</remarks>
    public long[]? Int64Constant(string? name) => Int64Value(name) is { DependsOnBatch: false } c ? c.Values : null;

    /// <summary>The dimensions of the int64 constant named <paramref name="name"/>, or null when it is not one.</summary>
    public int[]? Int64ConstantDims(string? name) => Int64Value(name) is { DependsOnBatch: false } c ? c.Dims : null;

    /// <summary>
    /// The shapes of the run-time value <paramref name="name"/> on zero images of batch 1 and of
    /// batch 2, from running the steps converted so far: a dimension that doubles follows the batch.
    /// </summary>
    /// <exception cref="OnnxFormatException">The steps before <paramref name="node"/> do not run on those images.</exception>
    public (int[] One, int[] Two) ProbeShapes(OnnxNode node, string name)
    {
        RequireFloat(node, name);
        try
        {
            return _probe!.Shapes(name);
        }
        catch (Exception e) when (e is ShapeMismatchException or InvalidInputException)
        {
            throw node.Invalid($"cannot learn the shape of '{name}' at load: {e.Message}");
        }
    }

    /// <summary>
    /// Adds a run-time step computing the node's first output from <paramref name="inputs"/>.
    /// </summary>
    /// <param name="inputs">Value names the step reads, null for an omitted optional input.</param>
    /// <param name="run">The engine ops; receives the inputs' tensors in the same order.</param>
    /// <exception cref="OnnxFormatException">An input is undefined or is an int64 tensor.</exception>
    /// <param name="tag">What a later converter may rewrite the step from (e.g. a convolution's weights for batch-norm folding), or null.</param>
    public void AddStep(OnnxNode node, IReadOnlyList<string?> inputs, Func<Tensor?[], Tensor> run, object? tag = null)
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
        if (tag is not null)
        {
            _tags[output] = tag;
        }
    }

    /// <summary>The tag the step computing <paramref name="output"/> was added with, or null.</summary>
    public object? StepTag(string? output) => output is not null && _tags.TryGetValue(output, out object? tag) ? tag : null;

    /// <summary>
    /// Replaces the step computing <paramref name="output"/> by one computing <paramref name="node"/>'s
    /// first output, at the same place: a fusion such as Conv → BatchNormalization becoming one
    /// convolution. Only valid when <paramref name="node"/> is the sole reader of <paramref name="output"/>.
    /// The fused step carries <paramref name="tag"/> for later fusions, as <see cref="AddStep"/>'s does.
    /// </summary>
    public void ReplaceStep(string output, OnnxNode node, IReadOnlyList<string?> inputs, Func<Tensor?[], Tensor> run, object? tag = null)
    {
        int index = _steps.FindIndex(s => s.Output == output);
        if (index < 0 || Consumers(output) != 1)
        {
            throw new InvalidOperationException($"the step computing '{output}' cannot be replaced");
        }

        foreach (string? name in inputs)
        {
            RequireFloat(node, name);
        }

        OnnxStep old = _steps[index];
        string fused = node.Outputs[0];
        _steps[index] = new OnnxStep($"{old.Node}+{node.Name}", $"{old.OpType}+{node.OpType}", [.. inputs], fused, run);
        _computed.Remove(output);
        _tags.Remove(output);
        _computed.Add(fused);
        if (tag is not null)
        {
            _tags[fused] = tag;
        }
        _probe?.Rewind(index);
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
