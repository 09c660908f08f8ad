using System.Diagnostics;
using System.Globalization;
using System.Text;
using FoolingCluster.Attacks;
using FoolingCluster.Attacks.Gradient;
using FoolingCluster.Models.Data;
using FoolingCluster.Tensors;
using FoolingCluster.Tensors.NN;

namespace FoolingCluster.Bench;

/// <summary>
/// The gradient attacks' figures: PGD step throughput by slice size (random inputs: speed does
/// not depend on pixel values), and FGSM and PGD-40 over the MNIST test set against a trained model.
/// </summary>
public static class AttackBenchmark
{
    /// <summary>Name of the whole-test-set PGD-40 throughput figure.</summary>
    public const string Pgd40Throughput = "pgd-40 linf eps=0.3 over the test set";

    /// <summary>L∞ PGD steps per second × batch, at several slice sizes, on random images.</summary>
    /// <param name="net">The network (trained or not: the cost is the same).</param>
    /// <param name="onFigure">Called with each figure.</param>
    /// <param name="quick">One short trial per figure (a smoke run).</param>
    public static IReadOnlyList<Figure> StepThroughput(Module net, Action<Figure> onFigure, bool quick)
    {
        var figures = new List<Figure>();
        int trials = quick ? 1 : 5;
        double minSeconds = quick ? 0.05 : 0.5;
        int steps = quick ? 2 : 20;
        foreach (int batch in new[] { 64, 256, 1024 })
        {
            var model = new ModuleAttackModel(net, maxBatch: batch);
            var rng = new Random(batch);
            Tensor x = Tensor.Wrap(Enumerable.Range(0, batch * 784).Select(_ => rng.NextSingle()).ToArray(), batch, 1, 28, 28);
            int[] labels = Enumerable.Range(0, batch).Select(_ => rng.Next(10)).ToArray();
            var pgd = new LinfPgd(steps, randomStart: false);
            double rate = Measure.BestRate(
                () =>
                {
                    pgd.Run(model, x, labels, [0.3f]);
                    return (double)batch * steps;
                },
                trials,
                minSeconds);
            var f = new Figure($"pgd step batch={batch}", rate, "images/s", $"{steps}-step runs of gradient, sign, step, projection and clamp, plus the final clip and criterion");
            figures.Add(f);
            onFigure(f);
        }

        return figures;
    }

    /// <summary>Clean accuracy, accuracy under FGSM ε = 0.25 and under PGD-40 L∞ ε = 0.3, and PGD-40's throughput over the whole set.</summary>
    /// <param name="net">The trained network.</param>
    /// <param name="test">The labelled images to attack.</param>
    /// <param name="onFigure">Called with each figure.</param>
    public static IReadOnlyList<Figure> TestSet(Module net, ImageDataset test, Action<Figure> onFigure)
    {
        var figures = new List<Figure>();
        void Add(Figure f)
        {
            figures.Add(f);
            onFigure(f);
        }

        var model = new ModuleAttackModel(net);
        int[] labels = test.Labels.Select(l => (int)l).ToArray();
        Tensor x = test.AsTensor();
        Add(new Figure("clean accuracy", 100 * Accuracy(model, x, labels), "%", $"{test.Count:N0} test images"));

        AttackResult fgsm = new Fgsm().Run(model, x, labels, [0.25f]);
        Add(new Figure("accuracy under fgsm eps=0.25", 100 * Accuracy(model, fgsm.Clipped[0], labels), "%"));

        var clock = Stopwatch.StartNew();
        AttackResult pgd = new LinfPgd(steps: 40).Run(model, x, labels, [0.3f]);
        double seconds = clock.Elapsed.TotalSeconds;
        Add(new Figure("accuracy under pgd-40 linf eps=0.3", 100 * Accuracy(model, pgd.Clipped[0], labels), "%", "step 0.01, random start"));
        Add(new Figure("pgd-40 linf eps=0.3 time", seconds, "s", $"{test.Count:N0} images, slices of {model.MaxBatch}"));
        Add(new Figure(Pgd40Throughput, test.Count * 40.0 / seconds, "images/s", "input-gradient steps per second × images, wall clock of the whole attack"));
        return figures;
    }

    /// <summary>Markdown for <c>bench/results/attacks.md</c>.</summary>
    /// <param name="figures">Our figures.</param>
    /// <param name="command">The command that measured them.</param>
    /// <param name="target">What was attacked.</param>
    /// <param name="reference">PyTorch's figures from the same machine (name → value), or null.</param>
    public static string Markdown(IReadOnlyList<Figure> figures, string command, string target, IReadOnlyDictionary<string, double>? reference)
    {
        CultureInfo inv = CultureInfo.InvariantCulture;
        var md = new StringBuilder();
        md.AppendLine("# Gradient attack benchmark");
        md.AppendLine();
        md.AppendLine(inv, $"- measured: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        md.AppendLine(inv, $"- machine: {MachineInfo.Describe()}");
        md.AppendLine(inv, $"- threads: {Engine.Threads}");
        md.AppendLine(inv, $"- command: `{command}`");
        md.AppendLine(inv, $"- target: {target}");
        md.AppendLine("- method: step figures are the best of 5 trials of at least 0.5 s after 3 warm-ups, on random images; test-set figures are one run each");
        md.AppendLine();
        md.AppendLine(reference is null ? "| figure | value | unit |" : "| figure | value | unit | PyTorch 1.13 (same machine) | ratio |");
        md.AppendLine(reference is null ? "| --- | ---: | --- |" : "| --- | ---: | --- | ---: | ---: |");
        foreach (Figure f in figures)
        {
            string row = string.Create(inv, $"| {f.Name} | {f.Value:N2} | {f.Unit} |");
            if (reference is not null)
            {
                row += reference.TryGetValue(f.Name, out double r)
                    ? f.Unit == "%" ? string.Create(inv, $" {r:N2} | – |") : string.Create(inv, $" {r:N1} | {ReferenceFigures.Speedup(f, r):F2}× |")
                    : " – | – |";
            }

            md.AppendLine(row);
        }

        md.AppendLine();
        md.AppendLine("Notes: " + string.Join("; ", figures.Where(f => f.Note is not null).Select(f => $"{f.Name}: {f.Note}")) + ".");
        return md.ToString();
    }

    private static double Accuracy(ModuleAttackModel model, Tensor images, int[] labels)
    {
        using TensorScope scope = TensorScope.Begin();
        int[] predicted = Attacks.Criteria.Criterion.Predictions(model.Logits(images));
        return predicted.Where((p, i) => p == labels[i]).Count() / (double)labels.Length;
    }
}
