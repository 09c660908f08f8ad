using static FoolingCluster.Models.Import.Onnx.Export.OnnxGraphWriter;

namespace FoolingCluster.Models.Import.Onnx.Export;

/// <summary>
/// Writes the layers of convolutional classifiers as <c>torch.onnx.export</c> does (Conv without
/// bias before BatchNormalization, ReLU6 as Clip with constant bounds), with seeded weights; each
/// call returns the name of the value it produced.
/// </summary>
/// <param name="graph">The graph the layers and their weights are added to.</param>
public sealed class LayerWriter(SeededGraph graph)
{
    private int _count;

    /// <summary>The graph's writer, for inputs, outputs and nodes the layers do not cover.</summary>
    public OnnxGraphWriter Writer => graph.Writer;

    /// <summary>A convolution <c>[cin] → [cout]</c>, k×k, stride s, symmetric padding p, in g groups.</summary>
    public string Conv(string x, int cin, int cout, int k, int s, int p, int g = 1, bool bias = false)
    {
        string name = Next("conv");
        graph.Weight($"{name}.weight", cin / g * k * k, cout, cin / g, k, k);
        string[] inputs = [x, $"{name}.weight"];
        if (bias)
        {
            graph.Weight($"{name}.bias", cin / g * k * k, cout);
            inputs = [.. inputs, $"{name}.bias"];
        }

        Writer.Node("Conv", $"/{name}/Conv", inputs, [name], Ints("dilations", 1, 1), Int("group", g), Ints("kernel_shape", k, k), Ints("pads", p, p, p, p), Ints("strides", s, s));
        return name;
    }

    /// <summary>Inference batch normalisation of c channels with seeded statistics.</summary>
    public string Bn(string x, int c)
    {
        string name = Next("bn");
        graph.Weight($"{name}.weight", 0.5f, 1.5f, c).Weight($"{name}.bias", -0.2f, 0.2f, c)
            .Weight($"{name}.running_mean", -0.2f, 0.2f, c).Weight($"{name}.running_var", 0.5f, 1.5f, c);
        Writer.Node("BatchNormalization", $"/{name}/BatchNormalization", [x, $"{name}.weight", $"{name}.bias", $"{name}.running_mean", $"{name}.running_var"], [name], Float("epsilon", 1e-5f), Float("momentum", 0.9f));
        return name;
    }

    /// <summary>A unary op such as Relu.</summary>
    public string Unary(string op, string x)
    {
        string name = Next(op.ToLowerInvariant());
        Writer.Node(op, $"/{name}/{op}", [x], [name]);
        return name;
    }

    /// <summary>ReLU6 as PyTorch exports it at opset 11 and later: Clip with Constant min 0 and max 6.</summary>
    public string Relu6(string x)
    {
        string name = Next("clip");
        Writer.Node("Constant", $"/{name}/Constant", [], [$"{name}.min"], Tensor("value", FloatTensor("", [0f])))
            .Node("Constant", $"/{name}/Constant_1", [], [$"{name}.max"], Tensor("value", FloatTensor("", [6f])))
            .Node("Clip", $"/{name}/Clip", [x, $"{name}.min", $"{name}.max"], [name]);
        return name;
    }

    /// <summary>An op of two or more values, e.g. Add or Concat.</summary>
    public string Join(string op, string[] inputs, params Proto.AttributeProto[] attributes)
    {
        string name = Next(op.ToLowerInvariant());
        Writer.Node(op, $"/{name}/{op}", inputs, [name], attributes);
        return name;
    }

    /// <summary>Max pooling k, stride s, padding p.</summary>
    public string MaxPool(string x, int k, int s, int p, bool ceil = false)
    {
        string name = Next("maxpool");
        Writer.Node("MaxPool", $"/{name}/MaxPool", [x], [name], Int("ceil_mode", ceil ? 1 : 0), Ints("kernel_shape", k, k), Ints("pads", p, p, p, p), Ints("strides", s, s));
        return name;
    }

    /// <summary>GlobalAveragePool → Flatten → Gemm to <paramref name="classes"/> logits, written as <c>logits</c>.</summary>
    public void Head(string x, int channels, int classes)
    {
        string pooled = Unary("GlobalAveragePool", x);
        string flat = Unary("Flatten", pooled);
        graph.Weight("fc.weight", channels, classes, channels).Weight("fc.bias", channels, classes);
        Writer.Node("Gemm", "/fc/Gemm", [flat, "fc.weight", "fc.bias"], ["logits"], Float("alpha", 1f), Float("beta", 1f), Int("transB", 1))
            .Output("logits", null, classes);
    }

    private string Next(string kind) => $"{kind}{_count++}";
}
