using System.Globalization;
using System.Text;
using FoolingCluster.Models.Architectures;
using FoolingCluster.Models.Data;
using FoolingCluster.Models.Training;
using FoolingCluster.Tensors;
using FoolingCluster.Tensors.Autograd;
using FoolingCluster.Tensors.Kernels;
using FoolingCluster.Tensors.NN;
using FoolingCluster.Tensors.Ops;
using FoolingCluster.Tensors.Optim;

namespace FoolingCluster.Bench;

/// <summary>
/// The engine's headline figures: LeNet inference, training and input-gradient throughput,
/// a full training epoch, and GEMM GFLOP/s. Inputs are random: speed does not depend on pixel values.
/// </summary>
public static class EngineBenchmark
{
    /// <summary>Measures every figure, reporting each as soon as it is known.</summary>
    /// <param name="onFigure">Called with each figure.</param>
    /// <param name="quick">Fewer, shorter trials (a smoke run, not a measurement).</param>
    public static IReadOnlyList<Figure> Run(Action<Figure> onFigure, bool quick = false)
    {
        var figures = new List<Figure>();
        void Add(Figure f)
        {
            figures.Add(f);
            onFigure(f);
        }

        int trials = quick ? 1 : 5;
        double minSeconds = quick ? 0.05 : 0.5;
        var net = new LeNet(seed: 1);
        foreach (int batch in new[] { 1, 64, 256, 1024 })
        {
            Tensor x = RandomImages(batch, 2);
            net.Eval();
            double rate = Measure.BestRate(
                () =>
                {
                    using TensorScope scope = TensorScope.Begin();
                    using NoGradScope noGrad = NoGradScope.Begin();
                    net.Forward(x);
                    return batch;
                },
                trials,
                minSeconds);
            Add(new Figure($"lenet forward batch={batch}", rate, "images/s"));
        }

        foreach (int batch in new[] { 64, 128 })
        {
            net.Train();
            Tensor x = RandomImages(batch, 3);
            int[] labels = RandomLabels(batch, 4);
            var sgd = new Sgd(net.Parameters(), 0.01f, 0.9f, 5e-4f);
            double rate = Measure.BestRate(
                () =>
                {
                    Trainer.Step(net, sgd, x, labels);
                    return batch;
                },
                trials,
                minSeconds);
            Add(new Figure($"lenet training step batch={batch}", rate, "images/s", "forward, backward, SGD with momentum"));
        }

        {
            net.Eval();
            const int Batch = 256;
            Tensor x = RandomImages(Batch, 5);
            int[] labels = RandomLabels(Batch, 6);
            double rate = Measure.BestRate(
                () =>
                {
                    using TensorScope scope = TensorScope.Begin();
                    Tensor input = x.Clone();
                    input.RequiresGrad = true;
                    Tensor loss = Functional.CrossEntropy(net.Forward(input), labels);
                    Tensor grad = Tape.Grad(loss, input);
                    Functional.Clamp(Functional.Add(input, Functional.MulScalar(Functional.Sign(grad), 0.1f)), 0f, 1f);
                    return Batch;
                },
                trials,
                minSeconds);
            Add(new Figure($"lenet input gradient (FGSM step) batch={Batch}", rate, "images/s"));
        }

        {
            int images = quick ? 6_400 : 60_000;
            var data = new ImageDataset(RandomImages(images, 7).ToArray(), RandomLabels(images, 8).Select(l => (byte)l).ToArray(), 1, 28, 28);
            var fresh = new LeNet(seed: 2);
            var sgd = new Sgd(fresh.Parameters(), 0.01f, 0.9f, 5e-4f);
            var loader = new DataLoader(data, 64, shuffle: true, seed: 1);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            foreach (Batch batch in loader.Epoch(1))
            {
                Trainer.Step(fresh, sgd, batch.Images, batch.Labels);
            }

            Add(new Figure($"lenet training epoch ({images:N0} images, batch 64, SGD momentum)", clock.Elapsed.TotalSeconds, "s"));
        }

        foreach (int n in new[] { 256, 1024 })
        {
            float[] a = RandomArray(n * n, 9);
            float[] b = RandomArray(n * n, 10);
            float[] c = new float[n * n];
            double flops = 2.0 * n * n * n;
            double rate = Measure.BestRate(
                () =>
                {
                    Gemm.Multiply(false, false, n, n, n, 1f, a, n, b, n, 0f, c, n);
                    return flops;
                },
                trials,
                minSeconds);
            Add(new Figure($"gemm {n}x{n}x{n}", rate / 1e9, "GFLOP/s", $"{Engine.Threads} threads"));
        }

        return figures;
    }

    /// <summary>Markdown for <c>bench/results/engine.md</c>.</summary>
    /// <param name="figures">Our figures.</param>
    /// <param name="command">The command that measured them.</param>
    /// <param name="reference">Another engine's figures measured on the same machine (name → value), or null.</param>
    /// <param name="referenceName">What the reference is, for the column header.</param>
    public static string Markdown(IReadOnlyList<Figure> figures, string command, IReadOnlyDictionary<string, double>? reference = null, string referenceName = "reference")
    {
        var md = new StringBuilder();
        md.AppendLine("# Engine benchmark");
        md.AppendLine();
        md.AppendLine(string.Create(CultureInfo.InvariantCulture, $"- measured: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC"));
        md.AppendLine($"- machine: {MachineInfo.Describe()}");
        md.AppendLine($"- threads: {Engine.Threads}");
        md.AppendLine($"- command: `{command}`");
        md.AppendLine("- method: 3 warm-up repetitions, then the best of 5 trials of at least 0.5 s each; random inputs");
        md.AppendLine();
        if (reference is null)
        {
            md.AppendLine("| figure | value | unit |");
            md.AppendLine("| --- | ---: | --- |");
        }
        else
        {
            md.AppendLine($"| figure | value | unit | {referenceName} | speed-up |");
            md.AppendLine("| --- | ---: | --- | ---: | ---: |");
        }

        foreach (Figure f in figures)
        {
            string row = string.Create(CultureInfo.InvariantCulture, $"| {f.Name} | {f.Value:N1} | {f.Unit} |");
            if (reference is not null)
            {
                row += reference.TryGetValue(f.Name, out double r)
                    ? string.Create(CultureInfo.InvariantCulture, $" {r:N1} | {ReferenceFigures.Speedup(f, r):F2}× |")
                    : " – | – |";
            }

            md.AppendLine(row);
        }

        md.AppendLine();
        md.AppendLine("Notes: " + string.Join("; ", figures.Where(f => f.Note is not null).Select(f => $"{f.Name}: {f.Note}")) + ".");

        return md.ToString();
    }

    private static Tensor RandomImages(int batch, int seed) => Tensor.Wrap(RandomArray(batch * 784, seed), batch, 1, 28, 28);

    private static float[] RandomArray(int length, int seed)
    {
        var rng = new Random(seed);
        var data = new float[length];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = rng.NextSingle();
        }

        return data;
    }

    private static int[] RandomLabels(int batch, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, batch).Select(_ => rng.Next(10)).ToArray();
    }
}
