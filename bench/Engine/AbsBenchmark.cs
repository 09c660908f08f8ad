using System.Diagnostics;
using System.Globalization;
using System.Text;
using FoolingCluster.Models.Abs;
using FoolingCluster.Models.Data;
using FoolingCluster.Models.Training;
using FoolingCluster.Tensors;

namespace FoolingCluster.Bench;

/// <summary>
/// The ABS model's costs: inference over the first test images (with the paper's settings, the
/// binary variant and the prior samples alone), its clean accuracy, and an epoch of training
/// the ten VAEs one per core and one after another.
/// </summary>
public static class AbsBenchmark
{
    /// <summary>Inference figures for <paramref name="model"/> on <paramref name="test"/>; each a single run.</summary>
    public static IReadOnlyList<Figure> Inference(AbsModel model, ImageDataset test, Action<Figure> report)
    {
        var figures = new List<Figure>();
        void Add(Figure f)
        {
            figures.Add(f);
            report(f);
        }

        AbsSettings paper = model.Settings;
        var clock = Stopwatch.StartNew();
        model.Prepare();
        Add(new Figure("decode the prior samples once", clock.Elapsed.TotalSeconds, "s", $"{paper.Samples:N0} latents × 10 decoders, batch-norm folded"));

        (double seconds, double accuracy) = Run(model, test);
        string n = test.Count.ToString("N0", CultureInfo.InvariantCulture);
        Add(new Figure($"abs inference, {n} images", seconds, "s", $"{paper.Samples:N0} prior samples, {paper.Steps} passes of Adam (lr {paper.LearningRate}) per image and class, decoded samples already cached"));
        Add(new Figure("abs inference throughput", test.Count / seconds, "images/s"));
        Add(new Figure($"abs clean accuracy, first {n} test images", 100 * accuracy, "%"));

        AbsModel binary = model.WithSettings(paper.AsBinary());
        binary.Prepare();
        (double binarySeconds, double binaryAccuracy) = Run(binary, test);
        Add(new Figure($"binary abs inference, {n} images", binarySeconds, "s", "inputs binarised at 0.5, the authors' class scales"));
        Add(new Figure($"binary abs clean accuracy, first {n} test images", 100 * binaryAccuracy, "%"));

        AbsModel priorOnly = model.WithSettings(paper with { Steps = 0 });
        priorOnly.Prepare();
        (double priorSeconds, double priorAccuracy) = Run(priorOnly, test);
        Add(new Figure($"best prior sample only, {n} images", priorSeconds, "s", "the first stage alone: one matrix product per class, no refinement"));
        Add(new Figure($"best prior sample only, accuracy on the first {n}", 100 * priorAccuracy, "%"));
        return figures;
    }

    /// <summary>One epoch of training the ten VAEs on <paramref name="train"/>, one per core and then one at a time.</summary>
    public static IReadOnlyList<Figure> TrainingEpoch(ImageDataset train, Action<Figure> report)
    {
        var figures = new List<Figure>();
        foreach (bool parallel in new[] { true, false })
        {
            var config = new AbsTrainingConfig { Epochs = 1, ParallelClasses = parallel };
            var clock = Stopwatch.StartNew();
            AbsTrainer.Train(config, train);
            double seconds = clock.Elapsed.TotalSeconds;
            string mode = parallel ? "one vae per core" : "one vae at a time, multithreaded kernels";
            var f = new Figure($"training epoch, {mode}", seconds, "s", $"all ten VAEs, {train.Count:N0} images, batch {config.BatchSize}, {train.Count / seconds:N0} images/s");
            figures.Add(f);
            report(f);
        }

        return figures;
    }

    /// <summary>Markdown for <c>bench/results/abs.md</c>.</summary>
    public static string Markdown(IReadOnlyList<Figure> figures, string command, string target)
    {
        CultureInfo inv = CultureInfo.InvariantCulture;
        var md = new StringBuilder();
        md.AppendLine("# ABS benchmark");
        md.AppendLine();
        md.AppendLine(inv, $"- measured: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        md.AppendLine(inv, $"- machine: {MachineInfo.Describe()}");
        md.AppendLine(inv, $"- threads: {Engine.Threads}");
        md.AppendLine(inv, $"- command: `{command}`");
        md.AppendLine(inv, $"- model: {target}");
        md.AppendLine("- method: every figure is one run, wall clock; the machine's other load moves them");
        md.AppendLine();
        md.AppendLine("| figure | value | unit |");
        md.AppendLine("| --- | ---: | --- |");
        foreach (Figure f in figures)
        {
            md.AppendLine(inv, $"| {f.Name} | {f.Value:N2} | {f.Unit} |");
        }

        md.AppendLine();
        md.AppendLine("Notes: " + string.Join("; ", figures.Where(f => f.Note is not null).Select(f => $"{f.Name}: {f.Note}")) + ".");
        return md.ToString();
    }

    private static (double Seconds, double Accuracy) Run(AbsModel model, ImageDataset test)
    {
        var clock = Stopwatch.StartNew();
        AbsInference result = model.Infer(test.Images, test.Count);
        double seconds = clock.Elapsed.TotalSeconds;
        int correct = Enumerable.Range(0, test.Count).Count(i => result.Predicted(i) == test.Labels[i]);
        return (seconds, (double)correct / test.Count);
    }
}
