using static FoolingCluster.Models.Import.Onnx.Export.OnnxGraphWriter;

namespace FoolingCluster.Models.Import.Onnx.Export;

/// <summary>
/// Graphs shaped like the classic ImageNet classifiers as <c>torch.onnx.export</c> writes them,
/// with seeded weights and a width and input size the caller picks (the real networks are
/// width 64 at 224×224 with 1,000 classes). They are the reference graphs the importer's tests
/// check against ONNX Runtime and the model benchmark (<c>fooling bench models</c>) times, one
/// copy for both. Input <c>[N,3,size,size]</c> → logits <c>[N,classes]</c>.
/// </summary>
public static class ReferenceGraphs
{
    /// <summary>
    /// ResNet-18's shape: conv 7×7/2 pad 3 → BN → ReLU → max pool 3/2 pad 1 → four stages of two
    /// basic blocks (widths w, 2w, 4w, 8w; stride 2 with a 1×1 conv-BN skip entering stages 2–4)
    /// → GlobalAveragePool → Flatten → Gemm.
    /// </summary>
    public static byte[] ResNet18Shaped(int width, int size, int classes, int seed = 21)
    {
        var graph = new SeededGraph("resnet18_shaped", seed: seed);
        var l = new LayerWriter(graph);
        l.Writer.Input("input", null, 3, size, size);
        string x = l.MaxPool(l.Unary("Relu", l.Bn(l.Conv("input", 3, width, 7, 2, 3), width)), 3, 2, 1);
        int c = width;
        for (int stage = 0; stage < 4; stage++)
        {
            int outC = width << stage;
            for (int block = 0; block < 2; block++)
            {
                int s = stage > 0 && block == 0 ? 2 : 1;
                string h = l.Unary("Relu", l.Bn(l.Conv(x, c, outC, 3, s, 1), outC));
                h = l.Bn(l.Conv(h, outC, outC, 3, 1, 1), outC);
                string skip = s == 1 && c == outC ? x : l.Bn(l.Conv(x, c, outC, 1, s, 0), outC);
                x = l.Unary("Relu", l.Join("Add", [h, skip]));
                c = outC;
            }
        }

        l.Head(x, c, classes);
        return graph.Bytes;
    }

    /// <summary>
    /// A MobileNetV2 stack: conv 3×3/2 → BN → ReLU6, then inverted residual blocks (expand 1×1 ×6 →
    /// BN → ReLU6 → depthwise 3×3 stride s → BN → ReLU6 → project 1×1 → BN, plus the input when
    /// stride 1 keeps the channels) → 1×1 conv → ReLU6 → head.
    /// </summary>
    public static byte[] MobileNetV2Shaped(int size, int classes, int seed = 22)
    {
        var graph = new SeededGraph("mobilenetv2_shaped", seed: seed);
        var l = new LayerWriter(graph);
        l.Writer.Input("input", null, 3, size, size);
        string x = l.Relu6(l.Bn(l.Conv("input", 3, 16, 3, 2, 1), 16));
        int c = 16;
        foreach ((int outC, int s) in new[] { (24, 2), (24, 1), (32, 2), (32, 1) })
        {
            int e = c * 6;
            string h = l.Relu6(l.Bn(l.Conv(x, c, e, 1, 1, 0), e));
            h = l.Relu6(l.Bn(l.Conv(h, e, e, 3, s, 1, g: e), e));
            h = l.Bn(l.Conv(h, e, outC, 1, 1, 0), outC);
            x = s == 1 && c == outC ? l.Join("Add", [x, h]) : h;
            c = outC;
        }

        x = l.Relu6(l.Bn(l.Conv(x, c, 64, 1, 1, 0), 64));
        l.Head(x, 64, classes);
        return graph.Bytes;
    }

    /// <summary>
    /// SqueezeNet 1.1's shape: conv 3×3/2 → ReLU → max pool 3/2 ceil → fire, fire → max pool 3/2 ceil →
    /// fire (squeeze 1×1 → ReLU → [expand 1×1 → ReLU, expand 3×3 pad 1 → ReLU] → Concat on
    /// channels) → Dropout → conv 1×1 to the classes → ReLU → average pool 3/1 pad 1 (count_include_pad)
    /// → GlobalAveragePool → Flatten.
    /// </summary>
    public static byte[] SqueezeNetShaped(int size, int classes, int seed = 23)
    {
        var graph = new SeededGraph("squeezenet_shaped", seed: seed);
        var l = new LayerWriter(graph);
        l.Writer.Input("input", null, 3, size, size);
        string x = l.MaxPool(l.Unary("Relu", l.Conv("input", 3, 32, 3, 2, 0, bias: true)), 3, 2, 0, ceil: true);
        x = Fire(l, Fire(l, x, 32, 8, 16), 32, 8, 16);
        x = Fire(l, l.MaxPool(x, 3, 2, 0, ceil: true), 32, 16, 24);
        x = l.Unary("Relu", l.Conv(l.Unary("Dropout", x), 48, classes, 1, 1, 0, bias: true));
        x = l.Join("AveragePool", [x], Int("ceil_mode", 0), Int("count_include_pad", 1), Ints("kernel_shape", 3, 3), Ints("pads", 1, 1, 1, 1), Ints("strides", 1, 1));
        l.Writer.Node("GlobalAveragePool", "/gap", [x], ["pooled"]).Node("Flatten", "/flatten", ["pooled"], ["logits"], Int("axis", 1))
            .Output("logits", null, classes);
        return graph.Bytes;
    }

    private static string Fire(LayerWriter l, string x, int c, int squeeze, int expand)
    {
        string s = l.Unary("Relu", l.Conv(x, c, squeeze, 1, 1, 0, bias: true));
        string e1 = l.Unary("Relu", l.Conv(s, squeeze, expand, 1, 1, 0, bias: true));
        string e3 = l.Unary("Relu", l.Conv(s, squeeze, expand, 3, 1, 1, bias: true));
        return l.Join("Concat", [e1, e3], Int("axis", 1));
    }
}
