using FoolingCluster.Models.Import.Onnx;
using FoolingCluster.Models.Import.Onnx.Export;
using Xunit;
using static FoolingCluster.Models.Import.Onnx.Export.OnnxGraphWriter;

namespace FoolingCluster.Models.Onnx.Tests;

/// <summary>Attribute values of the ImageNet classifiers' ops the importer still cannot run are refused at load, naming the node and the attribute.</summary>
public sealed class OnnxUnsupportedAttributeTests
{
    public static TheoryData<string, string> Cases => new()
    {
        { "maxpool dilations", "node 'n' (MaxPool): dilations [2,2] is not supported" },
        { "maxpool indices", "node 'n' (MaxPool): the Indices output is not supported" },
        { "averagepool pad as large as kernel", "node 'n' (AveragePool) has pads [2,2,2,2] not smaller than its kernel [2,2]" },
        { "pad reflect", "node 'n' (Pad): mode 'reflect' is not supported" },
        { "pad channels", "node 'n' (Pad): pads [0,1,0,0,0,1,0,0] on an axis other than the last two is not supported" },
        { "pad run-time pads", "node 'n' (Pad): pads 'p' computed at run time is not supported" },
        { "clip run-time max", "node 'n' (Clip): a max 'input' computed at run time is not supported" },
        { "batchnorm training", "node 'n' (BatchNormalization): training_mode 1 is not supported" },
        { "softmax inner axis", "node 'n' (Softmax): axis 1 of a rank-4 input (the engine normalises the last axis) is not supported" },
        { "gather of data", "node 'n' (Gather): gathering from 'input', which is not a shape known at load is not supported" },
        { "unsqueeze run-time axes", "node 'n' (Unsqueeze): axes 'input' computed at run time is not supported" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void An_unsupported_attribute_value_is_refused_naming_node_and_attribute(string name, string expected)
    {
        byte[] model = Graph(w => name switch
        {
            "maxpool dilations" => w.Node("MaxPool", "n", ["input"], ["y"], Ints("kernel_shape", 2, 2), Ints("dilations", 2, 2)),
            "maxpool indices" => w.Node("MaxPool", "n", ["input"], ["y", "idx"], Ints("kernel_shape", 2, 2)),
            "averagepool pad as large as kernel" => w.Node("AveragePool", "n", ["input"], ["y"], Ints("kernel_shape", 2, 2), Ints("pads", 2, 2, 2, 2)),
            "pad reflect" => w.Int64Initializer("p", [0, 0, 1, 1, 0, 0, 1, 1], 8).Node("Pad", "n", ["input", "p"], ["y"], String("mode", "reflect")),
            "pad channels" => w.Int64Initializer("p", [0, 1, 0, 0, 0, 1, 0, 0], 8).Node("Pad", "n", ["input", "p"], ["y"]),
            "pad run-time pads" => w.Node("Shape", "s", ["input"], ["p0"]).Node("Concat", "c", ["p0", "p0"], ["p1"], Int("axis", 0)).Node("Relu", "r", ["input"], ["p"]).Node("Pad", "n", ["input", "p"], ["y"]),
            "clip run-time max" => w.Node("Clip", "n", ["input", "", "input"], ["y"]),
            "batchnorm training" => w.Initializer("s", [1f], 1).Node("BatchNormalization", "n", ["input", "s", "s", "s", "s"], ["y"], Int("training_mode", 1)),
            "softmax inner axis" => w.Node("Softmax", "n", ["input"], ["y"], Int("axis", 1)),
            "gather of data" => w.Int64Initializer("i", [0], 1).Node("Gather", "n", ["input", "i"], ["y"]),
            _ => w.Node("Unsqueeze", "n", ["input", "input"], ["y"]),
        });
        var e = Assert.Throws<OnnxFormatException>(() => OnnxImporter.Load(model, "m.onnx"));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    /// <summary>Input <c>[N,1,8,8]</c> → body writing <c>y</c> → Flatten → logits.</summary>
    private static byte[] Graph(Func<OnnxGraphWriter, OnnxGraphWriter> body)
    {
        var w = new OnnxGraphWriter("bad", 17).Input("input", null, 1, 8, 8);
        return body(w).Node("Flatten", "flatten", ["y"], ["logits"]).Output("logits", null, null).ToBytes();
    }
}
