using System.Globalization;
using System.Text;
using FoolingCluster.Evolution.Evaluation;
using FoolingCluster.Evolution.Genomes;
using FoolingCluster.Models.Architectures;
using FoolingCluster.Models.Import.Onnx;
using FoolingCluster.Models.Import.Onnx.Export;
using FoolingCluster.Tensors;
using FoolingCluster.Tensors.Autograd;
using FoolingCluster.Tensors.Ops;

namespace FoolingCluster.Bench;

/// <summary>One measured row: a model, what was timed, at which batch, on the engine and (forward only) on ONNX Runtime.</summary>
/// <param name="Model">The model, e.g. <c>ResNet-18-shaped, width 64, 224×224, 1,000 classes</c>.</param>
/// <param name="What"><c>forward</c>, <c>input gradient</c> or <c>colour CPPN evaluation</c>.</param>
/// <param name="Batch">Images per call.</param>
/// <param name="Engine">Engine images (or evaluations) per second.</param>
/// <param name="OnnxRuntime">ONNX Runtime images per second; null where it was not timed.</param>
public sealed record ModelRow(string Model, string What, int Batch, double Engine, double? OnnxRuntime)
{
    /// <summary>Engine / ONNX Runtime, the median over trials run back to back (forward rows only).</summary>
    public double? PairedRatio { get; init; }

    /// <summary>The row's name as printed, e.g. <c>lenet (imported) forward, batch=256</c>.</summary>
    public string Name => $"{Model} {What}, batch={Batch}";
}

/// <summary>
/// Imported ONNX classifiers on the engine next to ONNX Runtime on the same threads: forward
/// images/s of LeNet (exported by <see cref="OnnxExporter"/>, imported back) at batch 256 and of
/// the ResNet-18-shaped reference graph at 224×224 at batch 1 and 16; the engine's input-gradient
/// images/s of both; and evaluations/s of a colour CPPN search against the ResNet-18 graph.
/// </summary>
public static class ModelsBenchmark
{
    private const int LeNetBatch = 256;
    private const int SearchBatch = 16;

    /// <summary>Measures every row, reporting each figure as soon as it is known.</summary>
    /// <param name="onFigure">Called with each figure.</param>
    /// <param name="quick">One short trial per figure and a narrow ResNet at 64×64 (a smoke run, not a measurement).</param>
    public static IReadOnlyList<ModelRow> Run(Action<Figure> onFigure, bool quick = false)
    {
        ArgumentNullException.ThrowIfNull(onFigure);
        int trials = quick ? 1 : 5;

        // More pairs for the ratio than trials for the best rates: a median of 9 moves less with
        // one disturbed pair than a median of 5.
        int pairs = quick ? 1 : 9;
        double minSeconds = quick ? 0.05 : 0.5;
        var rows = new List<ModelRow>();

        byte[] lenet = OnnxExporter.Build(new LeNet(seed: 1)).ToBytes();
        (int width, int size) = quick ? (8, 64) : (64, 224);
        byte[] resnet = ReferenceGraphs.ResNet18Shaped(width, size, classes: 1000);
        string resnetName = string.Create(CultureInfo.InvariantCulture, $"ResNet-18-shaped, width {width}, {size}×{size}, 1,000 classes");
        var cases = new (string Name, byte[] Bytes, int Batch, int Classes)[]
        {
            ("lenet (imported)", lenet, LeNetBatch, 10),
            (resnetName, resnet, 1, 1000),
            (resnetName, resnet, 16, 1000),
        };

        foreach ((string name, byte[] bytes, int batch, int classes) in cases)
        {
            OnnxNetwork network = OnnxImporter.Load(bytes, name);
            network.Eval();
            Tensor x = RandomImages([batch, .. network.Info.ImageShape], seed: 3);
            using var ort = new OnnxRuntimeForward(bytes, x, Engine.Threads);
            (double engine, double onnxRuntime, double paired) = Measure.Paired(() => EngineForward(network, x), () => { ort.Run(); return x.Shape[0]; }, pairs, minSeconds);
            onFigure(new Figure($"{name} forward, batch={batch}, engine", engine, "images/s"));
            onFigure(new Figure($"{name} forward, batch={batch}, ONNX Runtime", onnxRuntime, "images/s", Ratio(paired)));
            rows.Add(new ModelRow(name, "forward", batch, engine, onnxRuntime) { PairedRatio = paired });
        }

        foreach ((string name, byte[] bytes, int batch, int classes) in cases)
        {
            OnnxNetwork network = OnnxImporter.Load(bytes, name);
            network.Eval();
            Tensor x = RandomImages([batch, .. network.Info.ImageShape], seed: 4);
            int[] labels = Enumerable.Range(0, batch).Select(i => i * 7 % classes).ToArray();
            double rate = Measure.BestRate(() => InputGradient(network, x, labels), trials, minSeconds);
            var row = new ModelRow(name, "input gradient", batch, rate, null);
            onFigure(new Figure(row.Name, rate, "images/s", "engine; ONNX Runtime gives no gradients"));
            rows.Add(row);
        }

        {
            OnnxNetwork network = OnnxImporter.Load(resnet, resnetName);
            var classifier = new ModuleClassifier(network, new ImageShape(3, size, size), 1000, maxBatch: SearchBatch);
            double rate = EvolutionBenchmark.CppnEvaluationRate(classifier, SearchBatch, trials, minSeconds);
            var row = new ModelRow(resnetName, "colour CPPN evaluation", SearchBatch, rate, null);
            onFigure(new Figure(row.Name, rate, "evals/s", "render + 8-bit rounding + classify"));
            rows.Add(row);
        }

        return rows;
    }

    /// <summary>Markdown for <c>bench/results/models.md</c>.</summary>
    /// <param name="rows">The measured rows.</param>
    /// <param name="command">The command that measured them.</param>
    /// <param name="loadBefore">The 1-, 5- and 15-minute load averages when the measurement began.</param>
    /// <param name="loadAfter">The load averages when it ended.</param>
    public static string Markdown(IReadOnlyList<ModelRow> rows, string command, string loadBefore, string loadAfter)
    {
        ArgumentNullException.ThrowIfNull(rows);
        CultureInfo inv = CultureInfo.InvariantCulture;
        var md = new StringBuilder();
        md.AppendLine("# Imported ONNX models: engine and ONNX Runtime");
        md.AppendLine();
        md.AppendLine(inv, $"- measured: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        md.AppendLine($"- machine: {MachineInfo.Describe()}");
        md.AppendLine($"- load average (1, 5, 15 min): {loadBefore} at the start, {loadAfter} at the end");
        md.AppendLine(inv, $"- threads: engine {Engine.Threads}; ONNX Runtime {Engine.Threads} intra-op threads, 1 inter-op thread, sequential execution, all graph optimisations (its default)");
        md.AppendLine($"- command: `{command}`");
        md.AppendLine("- method: forward: one untimed trial of each side (the engine's code is compiled in tiers as it first runs), then 9 trials of at least 0.5 s each alternating engine and ONNX Runtime; the images/s are each side's best trial (the least disturbed by other processes), the ratio the median of the 9 back-to-back pairs (other processes slow both sides of a pair alike); input gradient and search: 3 warm-up repetitions, then the best of 5 trials; random inputs, seeded weights; both run the same ONNX bytes, the engine through its importer");
        md.AppendLine("- models: LeNet built with seed 1, written by the ONNX exporter and imported back; the ResNet-18-shaped reference graph (`ReferenceGraphs.ResNet18Shaped`, seeded weights, BatchNormalization after every conv)");
        md.AppendLine();
        md.AppendLine("## Forward (inference, no tape)");
        md.AppendLine();
        md.AppendLine("| model | batch | engine images/s (best) | ONNX Runtime images/s (best) | engine / ONNX Runtime (median of paired trials) |");
        md.AppendLine("| --- | ---: | ---: | ---: | ---: |");
        foreach (ModelRow r in rows.Where(r => r.OnnxRuntime is not null))
        {
            md.AppendLine(inv, $"| {r.Model} | {r.Batch} | {r.Engine:N1} | {r.OnnxRuntime:N1} | {r.PairedRatio ?? (r.Engine / r.OnnxRuntime):F2} |");
        }

        md.AppendLine();
        md.AppendLine("## Input gradient (forward on the tape + backward to the images; engine only, ONNX Runtime gives no gradients)");
        md.AppendLine();
        md.AppendLine("| model | batch | engine images/s |");
        md.AppendLine("| --- | ---: | ---: |");
        foreach (ModelRow r in rows.Where(r => r.What == "input gradient"))
        {
            md.AppendLine(inv, $"| {r.Model} | {r.Batch} | {r.Engine:N1} |");
        }

        md.AppendLine();
        md.AppendLine("## Colour CPPN search (render + 8-bit rounding + classify, CPPNs mutated 200 times)");
        md.AppendLine();
        md.AppendLine("| target | batch | evaluations/s |");
        md.AppendLine("| --- | ---: | ---: |");
        foreach (ModelRow r in rows.Where(r => r.What == "colour CPPN evaluation"))
        {
            md.AppendLine(inv, $"| {r.Model} | {r.Batch} | {r.Engine:N1} |");
        }

        return md.ToString();
    }

    private static string Ratio(double paired) =>
        string.Create(CultureInfo.InvariantCulture, $"engine / ONNX Runtime = {paired:F2}, median of paired trials");

    private static double EngineForward(OnnxNetwork network, Tensor x)
    {
        using TensorScope scope = TensorScope.Begin();
        using NoGradScope noGrad = NoGradScope.Begin();
        network.Forward(x);
        return x.Shape[0];
    }

    private static double InputGradient(OnnxNetwork network, Tensor x, int[] labels)
    {
        using TensorScope scope = TensorScope.Begin();
        Tensor input = x.Clone();
        input.RequiresGrad = true;
        Tensor loss = Functional.CrossEntropy(network.Forward(input), labels);
        Tape.Grad(loss, input);
        return x.Shape[0];
    }

    private static Tensor RandomImages(int[] shape, int seed)
    {
        var rng = new Random(seed);
        Tensor t = Tensor.Empty(shape);
        Span<float> s = t.Span;
        for (int i = 0; i < s.Length; i++)
        {
            s[i] = rng.NextSingle();
        }

        return t;
    }
}
