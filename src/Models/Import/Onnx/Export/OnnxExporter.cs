using System.Globalization;
using FoolingCluster.Models.Architectures;
using FoolingCluster.Tensors;
using FoolingCluster.Tensors.NN;
using static FoolingCluster.Models.Import.Onnx.Export.OnnxGraphWriter;

namespace FoolingCluster.Models.Import.Onnx.Export;

/// <summary>
/// Writes a built-in network (<see cref="LeNet"/>, <see cref="Mlp"/>) as the ONNX graph
/// <c>torch.onnx.export(model, x, f, opset_version=17, input_names=["input"],
/// output_names=["logits"], dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}})</c>
/// produces for the same PyTorch module: the same ops, attributes and initializer names, and
/// node and value names in its scheme (<c>/conv1/Conv</c>, <c>/MaxPool_output_0</c>).
/// </summary>
/// <remarks>
/// The file also carries <see cref="OnnxMetadataKeys"/> (dataset, classes, input range), so
/// importing it back gives the same description.
/// </remarks>
public static class OnnxExporter
{
    /// <summary>The opset the exporter writes.</summary>
    public const int Opset = 17;

    /// <summary>Writes <paramref name="model"/> to <paramref name="path"/>.</summary>
    /// <exception cref="InvalidInputException">The network is not one the exporter knows.</exception>
    public static void Write(Module model, string path, string dataset = "mnist") => Build(model, dataset).Save(path);

    /// <summary>The ONNX graph of <paramref name="model"/>, input <c>[N,1,28,28]</c> → logits <c>[N,K]</c>.</summary>
    /// <exception cref="InvalidInputException">The network is not one the exporter knows.</exception>
    public static OnnxGraphWriter Build(Module model, string dataset = "mnist")
    {
        ArgumentNullException.ThrowIfNull(model);
        IReadOnlyDictionary<string, Tensor> state = model.StateDict();
        OnnxGraphWriter writer = model switch
        {
            LeNet => LeNetGraph(state),
            Mlp => MlpGraph(state),
            _ => throw new InvalidInputException($"a {model.GetType().Name} network cannot be written as ONNX; the exporter writes {string.Join(" and ", Architecture.Names)}"),
        };
        int classes = state[model is LeNet ? "fc2.bias" : "fc3.bias"].Size;
        return writer
            .Output("logits", null, classes)
            .Metadata(OnnxMetadataKeys.Dataset, dataset)
            .Metadata(OnnxMetadataKeys.Classes, classes.ToString(CultureInfo.InvariantCulture))
            .Metadata(OnnxMetadataKeys.InputRange, "0,1");
    }

    private static OnnxGraphWriter LeNetGraph(IReadOnlyDictionary<string, Tensor> state)
    {
        OnnxGraphWriter w = Start("lenet", state);
        Conv(w, "conv1", "input", 5);
        Pool(w, "/MaxPool", "/conv1/Conv_output_0");
        Conv(w, "conv2", "/MaxPool_output_0", 5);
        Pool(w, "/MaxPool_1", "/conv2/Conv_output_0");
        w.Node("Flatten", "/Flatten", ["/MaxPool_1_output_0"], ["/Flatten_output_0"], Int("axis", 1));
        Gemm(w, "fc1", "/Flatten_output_0", "/fc1/Gemm_output_0");
        w.Node("Relu", "/Relu", ["/fc1/Gemm_output_0"], ["/Relu_output_0"]);
        return Gemm(w, "fc2", "/Relu_output_0", "logits");
    }

    private static OnnxGraphWriter MlpGraph(IReadOnlyDictionary<string, Tensor> state)
    {
        OnnxGraphWriter w = Start("mlp", state);
        w.Node("Flatten", "/Flatten", ["input"], ["/Flatten_output_0"], Int("axis", 1));
        Gemm(w, "fc1", "/Flatten_output_0", "/fc1/Gemm_output_0");
        w.Node("Relu", "/Relu", ["/fc1/Gemm_output_0"], ["/Relu_output_0"]);
        Gemm(w, "fc2", "/Relu_output_0", "/fc2/Gemm_output_0");
        w.Node("Relu", "/Relu_1", ["/fc2/Gemm_output_0"], ["/Relu_1_output_0"]);
        return Gemm(w, "fc3", "/Relu_1_output_0", "logits");
    }

    /// <summary>The graph input and every parameter as an initializer under its state-dict name.</summary>
    private static OnnxGraphWriter Start(string name, IReadOnlyDictionary<string, Tensor> state)
    {
        var w = new OnnxGraphWriter(name, Opset).Input("input", null, 1, 28, 28);
        foreach ((string key, Tensor t) in state.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            w.Initializer(key, t.Span, t.Shape);
        }

        return w;
    }

    private static void Conv(OnnxGraphWriter w, string layer, string input, int kernel) =>
        w.Node("Conv", $"/{layer}/Conv", [input, $"{layer}.weight", $"{layer}.bias"], [$"/{layer}/Conv_output_0"],
            Ints("dilations", 1, 1), Int("group", 1), Ints("kernel_shape", kernel, kernel), Ints("pads", 0, 0, 0, 0), Ints("strides", 1, 1));

    /// <summary>LeNet pools with <c>F.max_pool2d</c>, a function, so its nodes are named after the op, not a layer.</summary>
    private static void Pool(OnnxGraphWriter w, string name, string input) =>
        w.Node("MaxPool", name, [input], [$"{name}_output_0"],
            Int("ceil_mode", 0), Ints("dilations", 1, 1), Ints("kernel_shape", 2, 2), Ints("pads", 0, 0, 0, 0), Ints("strides", 2, 2));

    private static OnnxGraphWriter Gemm(OnnxGraphWriter w, string layer, string input, string output) =>
        w.Node("Gemm", $"/{layer}/Gemm", [input, $"{layer}.weight", $"{layer}.bias"], [output],
            Float("alpha", 1f), Float("beta", 1f), Int("transB", 1));
}
