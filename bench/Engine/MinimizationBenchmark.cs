using System.Diagnostics;
using System.Globalization;
using System.Text;
using FoolingCluster.Attacks;
using FoolingCluster.Attacks.Criteria;
using FoolingCluster.Attacks.Minimization;
using FoolingCluster.Models.Data;
using FoolingCluster.Tensors;
using FoolingCluster.Tensors.NN;

namespace FoolingCluster.Bench;

/// <summary>
/// The minimisation attacks' figures on a trained model: the median distance of the closest
/// adversarials DeepFool (L2, L∞), Carlini–Wagner L2 and box-constrained L-BFGS find, with their
/// success rates and times, and the iterations gradient ascent needs to take noise to 99.99 %.
/// </summary>
public static class MinimizationBenchmark
{
    /// <summary>Runs every attack, with its defaults, once over <paramref name="test"/>, then the fooling ascent.</summary>
    /// <param name="net">The trained network.</param>
    /// <param name="test">The labelled images to attack.</param>
    /// <param name="onFigure">Called with each figure.</param>
    /// <param name="quick">Short searches and 100 ascent images (a smoke run, not a measurement).</param>
    /// <param name="ascentPerClass">Noise images per class for the fooling ascent.</param>
    public static IReadOnlyList<Figure> Run(Module net, ImageDataset test, Action<Figure> onFigure, bool quick, int ascentPerClass = 100)
    {
        ArgumentNullException.ThrowIfNull(net);
        ArgumentNullException.ThrowIfNull(test);
        ArgumentNullException.ThrowIfNull(onFigure);
        var figures = new List<Figure>();
        void Add(Figure f)
        {
            figures.Add(f);
            onFigure(f);
        }

        var model = new ModuleLogitGradientModel(net);
        int[] labels = test.Labels.Select(l => (int)l).ToArray();
        Tensor x = test.AsTensor();
        using (TensorScope.Begin())
        {
            int[] clean = Criterion.Predictions(model.Logits(x));
            Add(new Figure("clean accuracy", 100.0 * clean.Where((p, i) => p == labels[i]).Count() / labels.Length, "%", $"first {test.Count:N0} test images"));
        }

        MinimizationAttack[] attacks = quick
            ? [new L2DeepFool(), new LinfDeepFool(), new CarliniWagnerL2(binarySearchSteps: 3, steps: 100, stepSize: 0.05f, initialConst: 1f), new BoxLbfgs(searchSteps: 3, maxIterations: 20)]
            : [new L2DeepFool(), new LinfDeepFool(), new CarliniWagnerL2(), new BoxLbfgs()];
        foreach (MinimizationAttack attack in attacks)
        {
            string name = $"{attack.Name.ToLowerInvariant()} {attack.Distance.Name.ToLowerInvariant().Replace("∞", "inf", StringComparison.Ordinal)}";
            var clock = Stopwatch.StartNew();
            MinimizationResult result = attack.Run(model, x, labels);
            double seconds = clock.Elapsed.TotalSeconds;
            double mean = result.Distances.Where((_, i) => result.Success[i]).DefaultIfEmpty(double.NaN).Average();
            Add(new Figure($"{name} median {result.Distance.Name}", result.MedianDistance, result.Distance.Name, string.Create(CultureInfo.InvariantCulture, $"{attack.Describe()}; mean {mean:F4}")));
            Add(new Figure($"{name} success", 100 * result.SuccessRate, "%"));
            Add(new Figure($"{name} time", seconds, "s", string.Create(CultureInfo.InvariantCulture, $"{test.Count / seconds:F1} images/s")));
        }

        int perClass = quick ? 10 : ascentPerClass;
        int[] classes = Enumerable.Range(0, 10 * perClass).Select(i => i % 10).ToArray();
        var ascent = new FoolingAscent();
        var ascentClock = Stopwatch.StartNew();
        FoolingAscentResult climbed = ascent.RunFromNoise(model, classes, [test.Channels, test.Height, test.Width], seed: 1);
        double ascentSeconds = ascentClock.Elapsed.TotalSeconds;
        string what = $"{classes.Length:N0} uniform-noise images, {perClass} per class, seed 1; {ascent.Describe()}";
        Add(new Figure("fooling ascent reached 99.99 %", 100 * climbed.ReachedRate, "%", what));
        Add(new Figure("fooling ascent median iterations to 99 %", climbed.MedianIterations(t => t.To99), "iterations"));
        Add(new Figure("fooling ascent median iterations to 99.9 %", climbed.MedianIterations(t => t.To999), "iterations"));
        Add(new Figure("fooling ascent median iterations to 99.99 %", climbed.MedianIterations(t => t.To9999), "iterations"));
        Add(new Figure("fooling ascent most iterations to 99.99 %", climbed.Traces.Where(t => t.Reached).Select(t => (double)t.To9999!.Value).DefaultIfEmpty(double.NaN).Max(), "iterations"));
        for (int c = 0; c < 10; c++)
        {
            int cls = c;
            FoolingAscentResult one = climbed with { Traces = climbed.Traces.Where(t => t.Class == cls).ToArray() };
            Add(new Figure($"fooling ascent class {c} median iterations to 99.99 %", one.MedianIterations(t => t.To9999), "iterations"));
        }

        Add(new Figure("fooling ascent time", ascentSeconds, "s"));
        return figures;
    }

    /// <summary>Markdown for <c>bench/results/attacks-minimization.md</c>: the figures, then how they were made.</summary>
    /// <param name="figures">The figures.</param>
    /// <param name="command">The command that measured them.</param>
    /// <param name="target">What was attacked.</param>
    public static string Markdown(IReadOnlyList<Figure> figures, string command, string target)
    {
        ArgumentNullException.ThrowIfNull(figures);
        CultureInfo inv = CultureInfo.InvariantCulture;
        var md = new StringBuilder();
        md.AppendLine("# Minimisation attack benchmark");
        md.AppendLine();
        md.AppendLine(inv, $"- measured: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        md.AppendLine(inv, $"- machine: {MachineInfo.Describe()}");
        md.AppendLine(inv, $"- threads: {Engine.Threads}");
        md.AppendLine(inv, $"- command: `{command}`");
        md.AppendLine(inv, $"- target: {target}");
        md.AppendLine("- method: each attack runs once, untargeted, with its defaults, over the images; medians are over the images it fooled; times are wall clock of the whole run");
        md.AppendLine();
        md.AppendLine("| figure | value | unit |");
        md.AppendLine("| --- | ---: | --- |");
        foreach (Figure f in figures)
        {
            string value = f.Unit is "iterations" or "%" or "s" ? string.Create(inv, $"{f.Value:N2}") : string.Create(inv, $"{f.Value:F4}");
            md.AppendLine(inv, $"| {f.Name} | {value} | {f.Unit} |");
        }

        md.AppendLine();
        md.AppendLine("Notes:");
        md.AppendLine();
        foreach (Figure f in figures.Where(f => f.Note is not null))
        {
            md.AppendLine(inv, $"- {f.Name}: {f.Note}");
        }

        return md.ToString();
    }
}
