using System.Globalization;
using System.Text;
using FoolingCluster.Tensors;
using FoolingCluster.Tensors.Autograd;
using FoolingCluster.Tensors.Ops;

namespace FoolingCluster.Bench;

/// <summary>
/// Forward time of the convolution and pooling layers that ImageNet classifiers spend their time
/// in, batch 1, inference (no tape): a ResNet 3×3 block conv, the ResNet stem, a MobileNetV2
/// depthwise conv and the ResNet max pool. Inputs are random: speed does not depend on values.
/// </summary>
public static class ConvBenchmark
{
    /// <summary>One layer: its name, the input shape, and the call that runs it.</summary>
    private sealed record Layer(string Name, int[] InputShape, Func<Tensor, Tensor> Forward, double MultiplyAdds);

    /// <summary>Measures every layer, reporting each figure as soon as it is known.</summary>
    /// <param name="onFigure">Called with each figure.</param>
    /// <param name="quick">Fewer, shorter trials (a smoke run, not a measurement).</param>
    public static IReadOnlyList<Figure> Run(Action<Figure> onFigure, bool quick = false)
    {
        Tensor w3 = RandomTensor(1, 64, 64, 3, 3);
        Tensor b64 = RandomTensor(2, 64);
        Tensor w7 = RandomTensor(3, 64, 3, 7, 7);
        Tensor wDepthwise = RandomTensor(4, 32, 1, 3, 3);
        Tensor b32 = RandomTensor(5, 32);
        var depthwise = Conv2dOptions.Square(1, 1) with { Groups = 32 };

        // An imported model's convolutions keep their weights packed between calls; so do these.
        var packed3 = new ConvWeightCache();
        Layer[] layers =
        [
            new("conv 3×3 64→64 56×56", [1, 64, 56, 56], x => Functional.Conv2d(x, w3, b64, Conv2dOptions.Square(1, 1)), 64.0 * 64 * 9 * 56 * 56),
            new("conv 3×3 64→64 56×56, weight packed once", [1, 64, 56, 56], x => Functional.Conv2d(x, w3, b64, Conv2dOptions.Square(1, 1), packed3), 64.0 * 64 * 9 * 56 * 56),
            new("conv 7×7/2 3→64 224×224 (ResNet stem)", [1, 3, 224, 224], x => Functional.Conv2d(x, w7, b64, Conv2dOptions.Square(2, 3)), 64.0 * 3 * 49 * 112 * 112),
            new("depthwise conv 3×3 32 channels 112×112", [1, 32, 112, 112], x => Functional.Conv2d(x, wDepthwise, b32, depthwise), 32.0 * 9 * 112 * 112),
            new("max pool 3×3/2 pad 1 64×112×112", [1, 64, 112, 112], x => Functional.MaxPool2d(x, Pool2dOptions.Square(3, 2, 1)), 64.0 * 9 * 56 * 56),
        ];

        var figures = new List<Figure>();
        foreach (Layer layer in layers)
        {
            Tensor x = RandomTensor(6, layer.InputShape);
            double perSecond = Measure.BestRate(
                () =>
                {
                    using TensorScope scope = TensorScope.Begin();
                    using NoGradScope noGrad = NoGradScope.Begin();
                    layer.Forward(x);
                    return 1;
                },
                quick ? 1 : 5,
                quick ? 0.05 : 0.5);
            double gflops = 2 * layer.MultiplyAdds * perSecond / 1e9;
            var figure = new Figure(layer.Name, 1000 / perSecond, "ms", string.Create(CultureInfo.InvariantCulture, $"{gflops:F1} GFLOP/s"));
            figures.Add(figure);
            onFigure(figure);
        }

        // The 3×3 conv's matrix product alone ([64,576] × [576,3136]): what im2col and the bias cost on top of it.
        float[] a = RandomTensor(7, 64 * 576).ToArray();
        float[] b = RandomTensor(8, 576 * 3136).ToArray();
        float[] c = new float[64 * 3136];
        double gemmPerSecond = Measure.BestRate(
            () =>
            {
                Tensors.Kernels.Gemm.Multiply(false, false, 64, 3136, 576, 1f, a, 576, b, 3136, 0f, c, 3136);
                return 1;
            },
            quick ? 1 : 5,
            quick ? 0.05 : 0.5);
        var gemm = new Figure("its GEMM alone 64×3136×576", 1000 / gemmPerSecond, "ms", string.Create(CultureInfo.InvariantCulture, $"{2 * 64.0 * 3136 * 576 * gemmPerSecond / 1e9:F1} GFLOP/s"));
        figures.Insert(1, gemm);
        onFigure(gemm);
        return figures;
    }

    /// <summary>Markdown for <c>bench/results/conv.md</c>.</summary>
    /// <param name="figures">The figures.</param>
    /// <param name="command">The command that measured them.</param>
    public static string Markdown(IReadOnlyList<Figure> figures, string command)
    {
        var md = new StringBuilder();
        md.AppendLine("# Convolution layers benchmark");
        md.AppendLine();
        md.AppendLine(string.Create(CultureInfo.InvariantCulture, $"- measured: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC"));
        md.AppendLine($"- machine: {MachineInfo.Describe()}");
        md.AppendLine($"- threads: {Engine.Threads}");
        md.AppendLine($"- command: `{command}`");
        md.AppendLine("- method: forward only, batch 1, no tape; 3 warm-up repetitions, then the best of 5 trials of at least 0.5 s each; random inputs");
        md.AppendLine();
        md.AppendLine("| layer | forward | unit | rate |");
        md.AppendLine("| --- | ---: | --- | ---: |");
        foreach (Figure f in figures)
        {
            md.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {f.Name} | {f.Value:F2} | {f.Unit} | {f.Note} |"));
        }

        return md.ToString();
    }

    private static Tensor RandomTensor(int seed, params int[] shape)
    {
        var rng = new Random(seed);
        Tensor t = Tensor.Empty(shape);
        Span<float> s = t.Span;
        for (int i = 0; i < s.Length; i++)
        {
            s[i] = (rng.NextSingle() * 2) - 1;
        }

        return t;
    }
}
