using FoolingCluster.Models.Import.Onnx.Export;
using static FoolingCluster.Models.Import.Onnx.Export.OnnxGraphWriter;

namespace FoolingCluster.Models.Onnx.Tests.Support;

/// <summary>
/// One small graph per op of the ImageNet classifiers (and per edge attribute), each on images
/// <c>[N,c,h,w]</c> and ending in Flatten to logits, as <see cref="OpGraphs"/>.
/// </summary>
internal static class ImageOpGraphs
{
    /// <summary>Every case by name.</summary>
    public static IReadOnlyDictionary<string, Func<byte[]>> All { get; } = new Dictionary<string, Func<byte[]>>(StringComparer.Ordinal)
    {
        ["Conv asymmetric pads, strides 2×1, dilations 2×1"] = () => Image(2, 9, 8, (g, w) => g
            .Weight("w", 18, 4, 2, 3, 3).Weight("b", 18, 4).Writer
            .Node("Conv", "conv", ["input", "w", "b"], ["y"], Ints("pads", 1, 0, 2, 1), Ints("strides", 2, 1), Ints("dilations", 2, 1))),
        ["Conv 2 groups"] = () => Image(4, 6, 6, (g, w) => g
            .Weight("w", 18, 6, 2, 3, 3).Writer
            .Node("Conv", "conv", ["input", "w"], ["y"], Int("group", 2), Ints("pads", 1, 1, 1, 1))),
        ["Conv depthwise 3×3 stride 2 pad 1"] = () => Image(4, 9, 9, (g, w) => g
            .Weight("w", 9, 4, 1, 3, 3).Weight("b", 9, 4).Writer
            .Node("Conv", "conv", ["input", "w", "b"], ["y"], Int("group", 4), Ints("kernel_shape", 3, 3), Ints("pads", 1, 1, 1, 1), Ints("strides", 2, 2))),
        ["Conv auto_pad SAME_UPPER stride 2"] = () => Image(2, 7, 8, (g, w) => g
            .Weight("w", 32, 3, 2, 4, 4).Writer
            .Node("Conv", "conv", ["input", "w"], ["y"], String("auto_pad", "SAME_UPPER"), Ints("strides", 2, 2))),
        ["Conv auto_pad SAME_LOWER stride 2"] = () => Image(2, 7, 8, (g, w) => g
            .Weight("w", 32, 3, 2, 4, 4).Writer
            .Node("Conv", "conv", ["input", "w"], ["y"], String("auto_pad", "SAME_LOWER"), Ints("strides", 2, 2))),
        ["MaxPool 3 stride 2 pad 1"] = () => Image(2, 8, 8, (g, w) => w
            .Node("MaxPool", "pool", ["input"], ["y"], Ints("kernel_shape", 3, 3), Ints("pads", 1, 1, 1, 1), Ints("strides", 2, 2))),
        ["MaxPool ceil_mode with asymmetric pads"] = () => Image(2, 8, 9, (g, w) => w
            .Node("MaxPool", "pool", ["input"], ["y"], Int("ceil_mode", 1), Ints("kernel_shape", 3, 2), Ints("pads", 0, 1, 1, 0), Ints("strides", 2, 2))),
        ["MaxPool auto_pad SAME_UPPER"] = () => Image(2, 7, 7, (g, w) => w
            .Node("MaxPool", "pool", ["input"], ["y"], String("auto_pad", "SAME_UPPER"), Ints("kernel_shape", 2, 2), Ints("strides", 2, 2))),
        ["AveragePool pads ceil_mode count_include_pad 1"] = () => Image(2, 8, 8, (g, w) => w
            .Node("AveragePool", "pool", ["input"], ["y"], Int("ceil_mode", 1), Int("count_include_pad", 1), Ints("kernel_shape", 3, 3), Ints("pads", 1, 1, 1, 1), Ints("strides", 2, 2))),
        ["AveragePool pads count_include_pad 0"] = () => Image(2, 7, 7, (g, w) => w
            .Node("AveragePool", "pool", ["input"], ["y"], Ints("kernel_shape", 3, 2), Ints("pads", 1, 0, 0, 1), Ints("strides", 1, 2))),
        ["GlobalAveragePool"] = () => Image(3, 5, 6, (g, w) => w
            .Node("GlobalAveragePool", "gap", ["input"], ["y"])),
        ["BatchNormalization folded into Conv"] = () => Image(2, 6, 6, (g, w) => Bn(g.Weight("w", 18, 4, 2, 3, 3).Weight("b", 18, 4), 4).Writer
            .Node("Conv", "conv", ["input", "w", "b"], ["c"], Ints("pads", 1, 1, 1, 1))
            .Node("BatchNormalization", "bn", ["c", "bn.s", "bn.b", "bn.m", "bn.v"], ["y"], Float("epsilon", 1e-3f))),
        ["BatchNormalization alone and after a shared Conv"] = () => Image(2, 6, 6, (g, w) => Bn(g.Weight("w", 18, 2, 2, 3, 3), 2).Writer
            .Node("BatchNormalization", "bn0", ["input", "bn.s", "bn.b", "bn.m", "bn.v"], ["x"])
            .Node("Conv", "conv", ["x", "w"], ["c"], Ints("pads", 1, 1, 1, 1))
            .Node("BatchNormalization", "bn1", ["c", "bn.s", "bn.b", "bn.m", "bn.v"], ["n"])
            .Node("Add", "add", ["n", "c"], ["y"])),
        ["Concat on channels"] = () => Image(2, 4, 4, (g, w) => g.Weight("w", 8, 3, 2, 2, 2).Writer
            .Node("Conv", "conv", ["input", "w"], ["c"], Ints("pads", 0, 0, 1, 1))
            .Node("Concat", "concat", ["input", "c", "input"], ["y"], Int("axis", 1))),
        ["Pad constant value, asymmetric"] = () => Image(2, 4, 5, (g, w) =>
        {
            w.Int64Initializer("pads", [0, 0, 1, 0, 0, 0, 2, 3], 8);
            return w.Node("Constant", "v", [], ["value"], Tensor("value", FloatTensor("", [0.5f])))
                .Node("Pad", "pad", ["input", "pads", "value"], ["y"], String("mode", "constant"));
        }),
        ["Clip ReLU6 and max only"] = () => Image(2, 4, 4, (g, w) => g.Weight("k", -12f, 12f, 2, 1, 1).Weight("lo", 0f, 0f).Weight("hi", 6f, 6f).Writer
            .Node("Mul", "scale", ["input", "k"], ["s"])
            .Node("Clip", "relu6", ["s", "lo", "hi"], ["a"])
            .Node("Clip", "max_only", ["s", "", "hi"], ["b"])
            .Node("Sub", "sub", ["a", "b"], ["y"])),
        ["LeakyRelu alpha 0.2"] = () => Image(2, 4, 4, (g, w) => g.Weight("shift", -0.5f, -0.5f).Writer
            .Node("Add", "add", ["input", "shift"], ["s"])
            .Node("LeakyRelu", "leaky", ["s"], ["y"], Float("alpha", 0.2f))),
        ["Unsqueeze and Squeeze with axes inputs"] = () => Image(2, 3, 4, (g, w) =>
        {
            w.Int64Initializer("axes", [1, -1], 2);
            return w.Node("Unsqueeze", "unsqueeze", ["input", "axes"], ["u"])
                .Node("Squeeze", "squeeze", ["u", "axes"], ["y"]);
        }),
        ["Unsqueeze and Squeeze with axes attributes (opset 11)"] = () => Image(2, 3, 4, (g, w) => w
            .Node("Unsqueeze", "unsqueeze", ["input"], ["u"], Ints("axes", 0, 3))
            .Node("Squeeze", "squeeze", ["u"], ["y"], Ints("axes", 0, 3)), opset: 11),
        ["Softmax on the last axis of rank 4"] = () => Image(2, 3, 5, (g, w) => w
            .Node("Softmax", "softmax", ["input"], ["y"], Int("axis", 3))),
        ["Softmax opset 11 axis 2 coerced"] = () => Image(2, 3, 5, (g, w) => w
            .Node("Softmax", "softmax", ["input"], ["y"], Int("axis", 2)), opset: 11),
        ["MatMul of stacked matrices"] = () => Image(2, 3, 5, (g, w) => g.Weight("w", 5, 5, 4).Writer
            .Node("MatMul", "mm", ["input", "w"], ["y"])),
        ["ConstantOfShape added"] = () => Image(2, 3, 4, (g, w) =>
        {
            w.Int64Initializer("shape", [3, 1], 2);
            return w.Node("ConstantOfShape", "fill", ["shape"], ["k"], Tensor("value", FloatTensor("", [0.25f], 1)))
                .Node("Add", "add", ["input", "k"], ["y"]);
        }),
        ["Shape Gather Unsqueeze Concat Reshape flatten (opset 13)"] = () => Image(2, 3, 4, (g, w) => ViewFlatten(w, 13)),
        ["Shape Gather Unsqueeze Concat Reshape flatten (opset 11)"] = () => Image(2, 3, 4, (g, w) => ViewFlatten(w, 11), opset: 11),
    };

    /// <summary>
    /// <c>x.view(x.size(0), -1)</c> as <c>torch.onnx.export</c> writes it: Shape → Gather(0) →
    /// Unsqueeze(0) → Concat with [−1] → Reshape; Unsqueeze takes its axes as an input from opset 13.
    /// </summary>
    public static OnnxGraphWriter ViewFlatten(OnnxGraphWriter w, int opset, string x = "input", string y = "y")
    {
        w.Node("Shape", "/Shape", [x], ["shape"])
            .Node("Constant", "/Constant", [], ["zero"], Tensor("value", Int64Tensor("", [0])))
            .Node("Gather", "/Gather", ["shape", "zero"], ["n"], Int("axis", 0));
        if (opset >= 13)
        {
            w.Node("Constant", "/Constant_1", [], ["axes"], Tensor("value", Int64Tensor("", [0], 1)))
                .Node("Unsqueeze", "/Unsqueeze", ["n", "axes"], ["n1"]);
        }
        else
        {
            w.Node("Unsqueeze", "/Unsqueeze", ["n"], ["n1"], Ints("axes", 0));
        }

        return w.Node("Constant", "/Constant_2", [], ["minus1"], Tensor("value", Int64Tensor("", [-1], 1)))
            .Node("Concat", "/Concat", ["n1", "minus1"], ["target"], Int("axis", 0))
            .Node("Reshape", "/Reshape", [x, "target"], [y]);
    }

    private static SeededGraph Bn(SeededGraph g, int c) =>
        g.Weight("bn.s", 0.5f, 1.5f, c).Weight("bn.b", -0.5f, 0.5f, c).Weight("bn.m", -0.5f, 0.5f, c).Weight("bn.v", 0.5f, 1.5f, c);

    private static byte[] Image(int c, int h, int w, Func<SeededGraph, OnnxGraphWriter, OnnxGraphWriter> body, int opset = 17)
    {
        var g = new SeededGraph("op", opset);
        g.Writer.Input("input", null, c, h, w);
        body(g, g.Writer).Node("Flatten", "flatten", ["y"], ["logits"]).Output("logits", null, null);
        return g.Bytes;
    }
}
