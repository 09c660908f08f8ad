using FoolingCluster.Models.Checkpoints;
using FoolingCluster.Models.Import.Onnx.Proto;
using FoolingCluster.Tensors;
using FoolingCluster.Tensors.Autograd;

namespace FoolingCluster.Models.Import.Onnx;

/// <summary>
/// Loads an ONNX classifier (as <c>torch.onnx.export</c> writes it, opset 11 and later) into a
/// network of the engine's own ops (<see cref="OnnxNetwork"/>), with reverse-mode gradients.
/// </summary>
/// <remarks>
/// Everything that could fail is checked at load: the file parses, the input is
/// <c>[N,C,H,W]</c> or <c>[N,F]</c> with only N dynamic, every node's op and attributes are
/// supported (<see cref="OnnxOpRegistry"/>), and the graph runs on a batch of two zero images
/// and gives logits <c>[2,K]</c>. Errors are <see cref="OnnxFormatException"/>s naming the
/// file and, where there is one, the node.
/// </remarks>
public static class OnnxImporter
{
    /// <summary>The oldest standard opset the importer reads; the op converters follow its semantics and later ones.</summary>
    public const int MinOpset = 11;

    /// <summary>Loads the model at <paramref name="path"/> with its description as a sidecar, the shape <see cref="ModelCheckpoint.Load"/> returns.</summary>
    /// <exception cref="OnnxFormatException">The file cannot be imported; the message says why.</exception>
    public static LoadedModel LoadModel(string path)
    {
        OnnxNetwork network = Load(path);
        return new LoadedModel(path, network, network.Info.ToSidecar(File.GetLastWriteTimeUtc(path)));
    }

    /// <summary>
    /// Reads what the model at <paramref name="path"/> takes, from its graph input and metadata,
    /// without importing its nodes (<see cref="OnnxModelInfo.Classes"/> is still 0): the
    /// description another runtime needs to feed it images.
    /// </summary>
    /// <exception cref="OnnxFormatException">The file is not a model, or its input or metadata cannot be used.</exception>
    public static OnnxModelInfo Describe(string path)
    {
        ModelProto model = OnnxModelReader.Read(path);
        return OnnxDescriptionReader.Read(model, path, StandardOpset(model, path));
    }

    /// <summary>Loads the model at <paramref name="path"/>, in evaluation mode.</summary>
    /// <exception cref="OnnxFormatException">The file cannot be imported; the message says why.</exception>
    public static OnnxNetwork Load(string path, OnnxOpRegistry? ops = null) =>
        Import(OnnxModelReader.Read(path), path, ops ?? OnnxOpRegistry.Default);

    /// <summary>Loads a model from its bytes; <paramref name="path"/> only names it in messages.</summary>
    /// <exception cref="OnnxFormatException">The bytes cannot be imported; the message says why.</exception>
    public static OnnxNetwork Load(byte[] bytes, string path, OnnxOpRegistry? ops = null) =>
        Import(OnnxModelReader.Parse(bytes, path), path, ops ?? OnnxOpRegistry.Default);

    private static OnnxNetwork Import(ModelProto model, string path, OnnxOpRegistry ops)
    {
        int opset = StandardOpset(model, path);
        OnnxModelInfo info = OnnxDescriptionReader.Read(model, path, opset);
        var builder = new OnnxGraphBuilder(path, opset);
        List<(string Name, Tensor Tensor)> parameters = ReadInitializers(model.Graph, builder, path);
        builder.AddInput(info.InputName, info.ImageShape, info.InputRank);
        builder.CountConsumers(model.Graph.Node.SelectMany(n => n.Input).Concat(model.Graph.Output.Select(o => o.Name)));
        for (int i = 0; i < model.Graph.Node.Count; i++)
        {
            var node = new OnnxNode(model.Graph.Node[i], i, path);
            if (model.Graph.Node[i].Domain is not ("" or "ai.onnx"))
            {
                throw node.Unsupported($"the op domain '{model.Graph.Node[i].Domain}'");
            }

            IOnnxOp op = ops.Find(node.OpType)
                ?? throw node.Unsupported($"the op {node.OpType}", $"supported ops: {string.Join(", ", ops.OpTypes)}");
            op.Convert(node, builder);
        }

        var network = new OnnxNetwork(builder.Build(info.OutputName), info, parameters);
        network.Eval();
        int classes = TrialRun(network, path);
        OnnxDescriptionReader.CheckClasses(info, classes, path);
        network.Info = info with { Classes = classes };
        return network;
    }

    /// <summary>The version of the standard (empty or <c>ai.onnx</c>) domain's operator set.</summary>
    private static int StandardOpset(ModelProto model, string path)
    {
        OperatorSetIdProto? standard = model.OpsetImport.FirstOrDefault(o => o.Domain is "" or "ai.onnx");
        if (standard is null)
        {
            throw new OnnxFormatException(path, "the model imports no standard ONNX operator set");
        }

        if (standard.Version < MinOpset)
        {
            throw new OnnxFormatException(path, $"the model uses opset {standard.Version}; the importer reads opset {MinOpset} and later (re-export with opset_version={MinOpset} or higher)");
        }

        return (int)Math.Min(standard.Version, int.MaxValue);
    }

    /// <summary>Float32 initializers become parameters; int64 ones are shape constants.</summary>
    private static List<(string Name, Tensor Tensor)> ReadInitializers(GraphProto graph, OnnxGraphBuilder builder, string path)
    {
        var parameters = new List<(string Name, Tensor Tensor)>();
        foreach (TensorProto init in graph.Initializer)
        {
            string where = $"initializer '{init.Name}'";
            int[] dims = OnnxTensorData.Dims(init, path, where);
            if (OnnxTensorData.IsInt64(init))
            {
                builder.AddInt64Constant(init.Name, OnnxTensorData.Int64s(init, path, where), dims);
                continue;
            }

            // Wrapped, not pooled: the weights live as long as the network, outside any scope.
            Tensor weight = Tensor.Wrap(OnnxTensorData.Floats(init, path, where), dims);
            builder.AddFloatConstant(init.Name, weight);
            parameters.Add((init.Name, weight));
        }

        return parameters;
    }

    /// <summary>Runs two zero images through the network, so shape errors surface at load; returns K.</summary>
    private static int TrialRun(OnnxNetwork network, string path)
    {
        int[] shape = [2, .. network.Info.ImageShape];
        using TensorScope scope = TensorScope.Begin();
        using NoGradScope noGrad = NoGradScope.Begin();
        try
        {
            return network.Forward(Tensor.Zeros(shape)).Shape[1];
        }
        catch (ShapeMismatchException e)
        {
            throw new OnnxFormatException(path, $"the graph does not run on a batch of images {Tensor.ShapeString(shape)}: {e.Message} (a graph exported for a fixed batch size needs a dynamic batch axis)", e);
        }
    }
}
