using FoolingCluster.Models.Import.Onnx.Export;
using static FoolingCluster.Models.Import.Onnx.Export.OnnxGraphWriter;

namespace FoolingCluster.Models.Onnx.Tests.Support;

/// <summary>
/// One small graph per supported op (and per attribute form), each ending in logits
/// <c>[N,K]</c> so it runs as a classifier; a trailing Flatten is exact and adds nothing to compare.
/// </summary>
internal static class OpGraphs
{
    /// <summary>Every case by name.</summary>
    public static IReadOnlyDictionary<string, Func<byte[]>> All { get; } = new Dictionary<string, Func<byte[]>>(StringComparer.Ordinal)
    {
        ["Conv pads 1 stride 2"] = () => Image(2, 7, 7, (g, w) => g
            .Weight("w", 18, 3, 2, 3, 3).Weight("b", 18, 3).Writer
            .Node("Conv", "conv", ["input", "w", "b"], ["y"], Ints("kernel_shape", 3, 3), Ints("pads", 1, 1, 1, 1), Ints("strides", 2, 2))),
        ["Conv without bias, auto_pad VALID"] = () => Image(2, 6, 6, (g, w) => g
            .Weight("w", 8, 4, 2, 2, 2).Writer
            .Node("Conv", "conv", ["input", "w"], ["y"], String("auto_pad", "VALID"), Ints("dilations", 1, 1), Int("group", 1))),
        ["MaxPool 2 stride 2"] = () => Image(2, 7, 7, (g, w) => w
            .Node("MaxPool", "pool", ["input"], ["y"], Ints("kernel_shape", 2, 2), Ints("strides", 2, 2))),
        ["MaxPool 3 default stride 1"] = () => Image(1, 6, 6, (g, w) => w
            .Node("MaxPool", "pool", ["input"], ["y"], Ints("kernel_shape", 3, 3), Int("storage_order", 0))),
        ["Gemm transB with bias vector"] = () => Flat(12, (g, w) => g
            .Weight("w", 12, 5, 12).Weight("b", 12, 5).Writer
            .Node("Gemm", "gemm", ["input", "w", "b"], ["y"], Int("transB", 1))),
        ["Gemm alpha beta with bias row"] = () => Flat(12, (g, w) => g
            .Weight("w", 12, 12, 5).Weight("c", 12, 1, 5).Writer
            .Node("Gemm", "gemm", ["input", "w", "c"], ["y"], Float("alpha", 0.5f), Float("beta", 2f))),
        ["Gemm transA and run-time B"] = () => Flat(4, (g, w) => g
            .Weight("v", -1f, 1f, 2, 4).Writer
            .Node("Gemm", "gemm1", ["input", "v"], ["z"], Int("transA", 1))
            .Node("Gemm", "gemm2", ["input", "z"], ["y"]), batch: 2),
        ["MatMul then Add of a bias"] = () => Flat(9, (g, w) => g
            .Weight("w", 9, 9, 4).Weight("b", 9, 4).Writer
            .Node("MatMul", "mm", ["input", "w"], ["m"])
            .Node("Add", "add", ["m", "b"], ["y"])),
        ["Add Sub Mul Div broadcasting"] = () => Image(2, 3, 3, (g, w) => g
            .Weight("a", -1f, 1f, 1, 2, 1, 1).Weight("s", -1f, 1f, 3).Weight("m", -2f, 2f, 2, 3, 3).Weight("d", 0.5f, 2f).Writer
            .Node("Add", "add", ["input", "a"], ["t1"])
            .Node("Sub", "sub", ["t1", "s"], ["t2"])
            .Node("Mul", "mul", ["m", "t2"], ["t3"])
            .Node("Div", "div", ["t3", "d"], ["y"])),
        ["Relu Sigmoid Tanh"] = () => Image(1, 4, 4, (g, w) => g
            .Weight("shift", -1f, 0f, 1).Writer
            .Node("Add", "add", ["input", "shift"], ["t0"])
            .Node("Relu", "relu", ["t0"], ["t1"])
            .Node("Sigmoid", "sigmoid", ["t0"], ["t2"])
            .Node("Tanh", "tanh", ["t2"], ["t3"])
            .Node("Sub", "sub", ["t3", "t1"], ["y"])),
        ["Flatten axis -3"] = () => Image(2, 3, 3, (g, w) => w
            .Node("Flatten", "flat", ["input"], ["y"], Int("axis", -3))),
        ["Reshape 0 and -1 from an initializer"] = () => Image(2, 3, 4, (g, w) =>
        {
            w.Int64Initializer("shape", [0, -1], 2);
            return w.Node("Reshape", "reshape", ["input", "shape"], ["y"]);
        }),
        ["Reshape from a Constant through Identity"] = () => Image(2, 3, 4, (g, w) => w
            .Node("Constant", "const", [], ["shape"], Tensor("value", Int64Tensor("", [-1, 24], 2)))
            .Node("Identity", "id", ["shape"], ["shape2"])
            .Node("Reshape", "reshape", ["input", "shape2"], ["y"], Int("allowzero", 0))),
        ["Softmax opset 17"] = () => Flat(9, (g, w) => w.Node("Softmax", "softmax", ["input"], ["y"])),
        ["Softmax opset 11 axis 1"] = () => Flat(9, (g, w) => w.Node("Softmax", "softmax", ["input"], ["y"], Int("axis", 1)), opset: 11),
        ["LogSoftmax"] = () => Flat(9, (g, w) => w.Node("LogSoftmax", "logsoftmax", ["input"], ["y"], Int("axis", -1))),
        ["Dropout and Identity"] = () => Flat(9, (g, w) => w
            .Node("Constant", "ratio", [], ["r"], Tensor("value", FloatTensor("", [0.5f])))
            .Node("Dropout", "dropout", ["input", "r"], ["t"])
            .Node("Identity", "id", ["t"], ["y"])),
        ["Constant float scalar added"] = () => Flat(9, (g, w) => w
            .Node("Constant", "c", [], ["k"], Float("value_float", 0.25f))
            .Node("Mul", "mul", ["input", "k"], ["y"])),
    };

    /// <summary>Input <c>[N,c,h,w]</c> → body (writes value <c>y</c>) → Flatten → logits.</summary>
    private static byte[] Image(int c, int h, int w, Func<SeededGraph, OnnxGraphWriter, OnnxGraphWriter> body)
    {
        var g = new SeededGraph("op");
        g.Writer.Input("input", null, c, h, w);
        body(g, g.Writer).Node("Flatten", "flatten", ["y"], ["logits"]).Output("logits", null, null);
        return g.Bytes;
    }

    /// <summary>Input <c>[N,f]</c> → body (writes value <c>logits</c> as <c>y</c>) → logits.</summary>
    private static byte[] Flat(int f, Func<SeededGraph, OnnxGraphWriter, OnnxGraphWriter> body, int opset = 17, int? batch = null)
    {
        var g = new SeededGraph("op", opset);
        g.Writer.Input("input", batch, f);
        body(g, g.Writer).Node("Identity", "out", ["y"], ["logits"]).Output("logits", batch, null);
        return g.Bytes;
    }
}
