using System.Buffers.Binary;
using FoolingCluster.Models.Import.Onnx.Proto;
using FoolingCluster.Tensors.Serialization;
using Google.Protobuf;

namespace FoolingCluster.Models.Import.Onnx.Export;

/// <summary>
/// Builds an ONNX model node by node: the exporter writes the built-in networks with it, and
/// tests write the graphs they import. Calls chain; <see cref="ToModel"/> gives the message.
/// </summary>
public sealed class OnnxGraphWriter
{
    private readonly ModelProto _model;

    /// <summary>An empty graph named <paramref name="name"/> against standard opset <paramref name="opset"/>.</summary>
    /// <param name="irVersion">File format version; 8 is what PyTorch writes for opsets 14–17.</param>
    public OnnxGraphWriter(string name, int opset = 17, int irVersion = 8)
    {
        _model = new ModelProto
        {
            IrVersion = irVersion,
            ProducerName = "FoolingCluster",
            Graph = new GraphProto { Name = name },
        };
        _model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
    }

    /// <summary>Adds a float32 graph input; a null dimension is dynamic (<c>N</c> for the first, <c>dI</c> for others).</summary>
    public OnnxGraphWriter Input(string name, params long?[] dims)
    {
        _model.Graph.Input.Add(Value(name, dims));
        return this;
    }

    /// <summary>Adds a float32 graph output; a null dimension is dynamic.</summary>
    public OnnxGraphWriter Output(string name, params long?[] dims)
    {
        _model.Graph.Output.Add(Value(name, dims));
        return this;
    }

    /// <summary>Adds a float32 initializer, stored little-endian in <c>raw_data</c> as PyTorch stores weights.</summary>
    /// <param name="values">Row-major elements of shape <paramref name="dims"/>.</param>
    public OnnxGraphWriter Initializer(string name, ReadOnlySpan<float> values, params int[] dims)
    {
        _model.Graph.Initializer.Add(FloatTensor(name, values, dims));
        return this;
    }

    /// <summary>Adds an int64 initializer (a shape), stored in <c>int64_data</c>.</summary>
    public OnnxGraphWriter Int64Initializer(string name, long[] values, params int[] dims)
    {
        _model.Graph.Initializer.Add(Int64Tensor(name, values, dims));
        return this;
    }

    /// <summary>Adds a node; it is appended, so add nodes in topological order.</summary>
    public OnnxGraphWriter Node(string opType, string name, string[] inputs, string[] outputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = name };
        node.Input.Add(inputs);
        node.Output.Add(outputs);
        node.Attribute.Add(attributes);
        _model.Graph.Node.Add(node);
        return this;
    }

    /// <summary>Adds a <c>metadata_props</c> entry.</summary>
    public OnnxGraphWriter Metadata(string key, string value)
    {
        _model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        return this;
    }

    /// <summary>The model built so far (the writer keeps building into it).</summary>
    public ModelProto ToModel() => _model;

    /// <summary>The model's bytes, as a <c>.onnx</c> file holds them.</summary>
    public byte[] ToBytes() => _model.ToByteArray();

    /// <summary>Writes the model to <paramref name="path"/> atomically (temporary file, then rename).</summary>
    public void Save(string path)
    {
        using var file = AtomicFile.Create(path);
        _model.WriteTo(file.Stream);
        file.Commit();
    }

    /// <summary>A float32 tensor with its elements in <c>raw_data</c>.</summary>
    public static TensorProto FloatTensor(string name, ReadOnlySpan<float> values, params int[] dims)
    {
        byte[] raw = new byte[values.Length * sizeof(float)];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(i * sizeof(float)), values[i]);
        }

        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float, RawData = ByteString.CopyFrom(raw) };
        t.Dims.Add(dims.Select(d => (long)d));
        return t;
    }

    /// <summary>An int64 tensor with its elements in <c>int64_data</c>.</summary>
    public static TensorProto Int64Tensor(string name, long[] values, params int[] dims)
    {
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        t.Dims.Add(dims.Select(d => (long)d));
        t.Int64Data.Add(values);
        return t;
    }

    /// <summary>An integer attribute.</summary>
    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    /// <summary>A float attribute.</summary>
    public static AttributeProto Float(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    /// <summary>A string attribute.</summary>
    public static AttributeProto String(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    /// <summary>An integer-list attribute.</summary>
    public static AttributeProto Ints(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.Add(values);
        return a;
    }

    /// <summary>A tensor attribute (a Constant's <c>value</c>).</summary>
    public static AttributeProto Tensor(string name, TensorProto value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Tensor, T = value };

    private static ValueInfoProto Value(string name, long?[] dims)
    {
        var shape = new TensorShapeProto();
        for (int i = 0; i < dims.Length; i++)
        {
            shape.Dim.Add(dims[i] is long d
                ? new TensorShapeProto.Types.Dimension { DimValue = d }
                : new TensorShapeProto.Types.Dimension { DimParam = i == 0 ? "N" : $"d{i}" });
        }

        var type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } };
        return new ValueInfoProto { Name = name, Type = type };
    }
}
