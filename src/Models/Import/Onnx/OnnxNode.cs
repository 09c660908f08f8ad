using System.Globalization;
using FoolingCluster.Models.Import.Onnx.Proto;

namespace FoolingCluster.Models.Import.Onnx;

/// <summary>
/// One node of the graph being imported, with typed access to its attributes and the
/// messages that refuse it. Every refusal names the file, the node and its op type.
/// </summary>
public sealed class OnnxNode
{
    private readonly NodeProto _proto;
    private readonly string _path;

    internal OnnxNode(NodeProto proto, int index, string path)
    {
        _proto = proto;
        _path = path;
        Name = string.IsNullOrEmpty(proto.Name) ? $"#{index}" : proto.Name;
    }

    /// <summary>The file the node comes from, for messages.</summary>
    public string Path => _path;

    /// <summary>The node's name, or <c>#index</c> (its position in the graph) when it has none.</summary>
    public string Name { get; }

    /// <summary>The operator, e.g. <c>Conv</c>.</summary>
    public string OpType => _proto.OpType;

    /// <summary>Input value names; an empty name is an omitted optional input.</summary>
    public IReadOnlyList<string> Inputs => _proto.Input;

    /// <summary>Output value names; an empty name is an output nobody reads.</summary>
    public IReadOnlyList<string> Outputs => _proto.Output;

    /// <summary>The <paramref name="index"/>th input's name, or null when it is absent or omitted.</summary>
    public string? Input(int index) => index < _proto.Input.Count && _proto.Input[index].Length > 0 ? _proto.Input[index] : null;

    /// <summary>Whether the attribute is present.</summary>
    public bool Has(string name) => Find(name) is not null;

    /// <summary>An integer attribute, or <paramref name="fallback"/> when absent.</summary>
    public long Int(string name, long fallback) => Find(name, AttributeProto.Types.AttributeType.Int)?.I ?? fallback;

    /// <summary>A float attribute, or <paramref name="fallback"/> when absent.</summary>
    public float Float(string name, float fallback) => Find(name, AttributeProto.Types.AttributeType.Float)?.F ?? fallback;

    /// <summary>A string attribute, or <paramref name="fallback"/> when absent.</summary>
    public string String(string name, string fallback) => Find(name, AttributeProto.Types.AttributeType.String)?.S.ToStringUtf8() ?? fallback;

    /// <summary>An integer-list attribute, or null when absent.</summary>
    public long[]? Ints(string name) => Find(name, AttributeProto.Types.AttributeType.Ints)?.Ints.ToArray();

    /// <summary>A float-list attribute, or null when absent.</summary>
    public float[]? Floats(string name) => Find(name, AttributeProto.Types.AttributeType.Floats)?.Floats.ToArray();

    /// <summary>A tensor attribute, or null when absent.</summary>
    public TensorProto? Tensor(string name) => Find(name, AttributeProto.Types.AttributeType.Tensor)?.T;

    /// <summary>
    /// Refuses any attribute other than <paramref name="known"/>: an attribute the converter does
    /// not read could change the op's meaning, so it is an error rather than silently ignored.
    /// </summary>
    /// <exception cref="OnnxFormatException">An attribute outside the list is present.</exception>
    public void AllowOnly(params string[] known)
    {
        foreach (AttributeProto a in _proto.Attribute)
        {
            if (Array.IndexOf(known, a.Name) < 0)
            {
                throw Unsupported($"attribute '{a.Name}'");
            }
        }
    }

    /// <summary>Refuses the node unless it has between <paramref name="min"/> and <paramref name="max"/> inputs.</summary>
    /// <exception cref="OnnxFormatException">Too few or too many inputs.</exception>
    public void RequireInputs(int min, int max)
    {
        int count = _proto.Input.Count;
        while (count > 0 && _proto.Input[count - 1].Length == 0)
        {
            count--;
        }

        if (count < min || count > max)
        {
            string expected = min == max ? $"{min}" : $"{min} to {max}";
            throw Invalid($"has {count} inputs; {OpType} takes {expected}");
        }

        for (int i = 0; i < min; i++)
        {
            if (_proto.Input[i].Length == 0)
            {
                throw Invalid($"input {i} is required but omitted");
            }
        }
    }

    /// <summary>The error for a feature of this node the importer does not support yet.</summary>
    /// <param name="what">What is refused, e.g. <c>dilations [2,2]</c>.</param>
    /// <param name="hint">What the user can do instead, or null.</param>
    public OnnxFormatException Unsupported(string what, string? hint = null) =>
        new(_path, $"node '{Name}' ({OpType}): {what} is not supported by the importer" + (hint is null ? "" : "; " + hint)) { Unsupported = true };

    /// <summary>The error for a node that breaks the ONNX specification.</summary>
    /// <param name="problem">What is wrong, phrased to follow the node's name.</param>
    public OnnxFormatException Invalid(string problem) =>
        new(_path, $"node '{Name}' ({OpType}) {problem}");

    /// <summary>Formats an integer list as <c>[2,2]</c> for messages.</summary>
    public static string List(IEnumerable<long> values) =>
        "[" + string.Join(",", values.Select(v => v.ToString(CultureInfo.InvariantCulture))) + "]";

    private AttributeProto? Find(string name) => _proto.Attribute.FirstOrDefault(a => a.Name == name);

    private AttributeProto? Find(string name, AttributeProto.Types.AttributeType type)
    {
        AttributeProto? a = Find(name);
        if (a is not null && a.Type != type && a.Type != AttributeProto.Types.AttributeType.Undefined)
        {
            throw Invalid($"attribute '{name}' has type {a.Type.ToString().ToUpperInvariant()} where {type.ToString().ToUpperInvariant()} is expected");
        }

        return a;
    }
}
