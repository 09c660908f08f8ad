using System.Diagnostics;
using System.Globalization;
using System.Text;
using FoolingCluster.Evolution.Archive;
using FoolingCluster.Evolution.Encodings;
using FoolingCluster.Evolution.Evaluation;
using FoolingCluster.Evolution.Genomes;
using FoolingCluster.Evolution.Genomes.Cppn;
using FoolingCluster.Evolution.Genomes.Direct;
using FoolingCluster.Evolution.Randomness;
using FoolingCluster.Evolution.Scheduling;
using FoolingCluster.Runs;
using FoolingCluster.Tensors;
using FoolingCluster.Tensors.NN;

namespace FoolingCluster.Bench;

/// <summary>A search measured end to end.</summary>
/// <param name="Encoding">"cppn" or "direct".</param>
/// <param name="Generations">Generations after the initial population.</param>
/// <param name="Seconds">Search time (ask, render, classify, tell).</param>
/// <param name="Evaluations">Images evaluated.</param>
/// <param name="Fooled">Classes whose elite reached ≥ 99.99%.</param>
/// <param name="FirstAllFooled">First generation at which every class was ≥ 99.99% (null if never).</param>
/// <param name="MedianConfidence">Median elite confidence at the end.</param>
public sealed record SearchFigure(string Encoding, int Generations, double Seconds, long Evaluations, int Fooled, int? FirstAllFooled, float MedianConfidence);

/// <summary>
/// Evaluation throughput of the search (render + quantise + classify) for each encoding next
/// to the classifier's forward-only rate on the same batch, so the cost of rendering is
/// visible; and, given a trained target, whole 200-generation searches.
/// </summary>
public static class EvolutionBenchmark
{
    /// <summary>Measures throughput figures for <paramref name="model"/> at the search's batch size.</summary>
    /// <param name="model">Target network; speed does not depend on its weights.</param>
    /// <param name="onFigure">Called with each figure.</param>
    /// <param name="quick">One short trial per figure.</param>
    public static IReadOnlyList<Figure> Throughput(Module model, Action<Figure> onFigure, bool quick)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(onFigure);
        const int Batch = 400;
        int trials = quick ? 1 : 5;
        double minSeconds = quick ? 0.05 : 0.5;
        var figures = new List<Figure>();
        void Add(Figure f)
        {
            figures.Add(f);
            onFigure(f);
        }

        ImageShape shape = ImageShape.Mnist;
        var classifier = new ModuleClassifier(model, shape, 10);
        var random = new DeterministicRandom(1);
        var images = new float[Batch * shape.Size];
        for (int i = 0; i < images.Length; i++)
        {
            images[i] = (float)random.NextDouble();
        }

        var probabilities = new float[Batch * 10];
        double forward = Measure.BestRate(() => { classifier.Classify(images, Batch, probabilities); return Batch; }, trials, minSeconds);
        Add(new Figure($"classifier forward only, batch={Batch}", forward, "images/s", "softmax included"));

        var direct = new DirectEncoding(shape, new DirectSettings());
        IReadOnlyList<DirectGenome> directGenomes = Enumerable.Range(0, Batch).Select(_ => direct.Variation.CreateRandom(random)).ToArray();
        var cppn = new CppnEncoding(shape, new CppnSettings());
        IReadOnlyList<CppnGenome> cppnGenomes = GrownCppns(cppn, Batch, random);
        double hidden = cppnGenomes.Average(g => g.HiddenCount);
        double connections = cppnGenomes.Average(g => g.Connections.Count);

        Add(new Figure("direct render only", RenderRate(direct.Decoder, directGenomes, trials, minSeconds), "images/s"));
        Add(new Figure("cppn render only", RenderRate(cppn.Decoder, cppnGenomes, trials, minSeconds), "images/s", string.Create(CultureInfo.InvariantCulture, $"CPPNs after 200 mutations: {hidden:F1} hidden nodes, {connections:F1} connections on average")));

        double directRate = EvaluationRate(direct, directGenomes, classifier, trials, minSeconds);
        Add(new Figure($"direct evaluation (render + quantise + classify), batch={Batch}", directRate, "evals/s", string.Create(CultureInfo.InvariantCulture, $"forward-only / evaluation = {forward / directRate:F2}")));
        double cppnRate = EvaluationRate(cppn, cppnGenomes, classifier, trials, minSeconds);
        Add(new Figure($"cppn evaluation (render + quantise + classify), batch={Batch}", cppnRate, "evals/s", string.Create(CultureInfo.InvariantCulture, $"forward-only / evaluation = {forward / cppnRate:F2}")));
        return figures;
    }

    /// <summary>
    /// Evaluations per second of a CPPN search against <paramref name="classifier"/> (render +
    /// 8-bit rounding + classify), on <paramref name="batch"/> CPPNs of the size a search grows,
    /// in the classifier's image shape (colour for three channels).
    /// </summary>
    /// <param name="classifier">The target; its input shape is the images rendered.</param>
    /// <param name="batch">Genomes evaluated per call, as a search's batch.</param>
    /// <param name="trials">Timed trials.</param>
    /// <param name="minSeconds">Minimum duration of one trial.</param>
    public static double CppnEvaluationRate(IImageClassifier classifier, int batch, int trials, double minSeconds)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        var cppn = new CppnEncoding(classifier.InputShape, new CppnSettings());
        return EvaluationRate(cppn, GrownCppns(cppn, batch, new DeterministicRandom(1)), classifier, trials, minSeconds);
    }

    /// <summary>Runs one search with <paramref name="config"/> against <paramref name="classifier"/>, without writing files.</summary>
    public static SearchFigure Search(EvolutionConfig config, IImageClassifier classifier)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(classifier);
        return config.Encoding == CppnEncoding.EncodingName
            ? Search(new CppnEncoding(classifier.InputShape, config.Cppn), config, classifier)
            : Search(new DirectEncoding(classifier.InputShape, config.Direct), config, classifier);
    }

    /// <summary>Markdown for <c>bench/results/evolution.md</c>.</summary>
    public static string Markdown(IReadOnlyList<Figure> figures, IReadOnlyList<SearchFigure> searches, string command, string model)
    {
        CultureInfo inv = CultureInfo.InvariantCulture;
        var md = new StringBuilder();
        md.AppendLine("# Evolution benchmark");
        md.AppendLine();
        md.AppendLine(inv, $"- measured: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        md.AppendLine($"- machine: {MachineInfo.Describe()}");
        md.AppendLine(inv, $"- threads: {Engine.Threads}");
        md.AppendLine($"- command: `{command}`");
        md.AppendLine($"- target: {model}");
        md.AppendLine("- throughput method: 3 warm-up repetitions, then the best of 5 trials of at least 0.5 s each");
        md.AppendLine();
        md.AppendLine("## Evaluation throughput");
        md.AppendLine();
        md.AppendLine("| figure | value | unit | note |");
        md.AppendLine("| --- | ---: | --- | --- |");
        foreach (Figure f in figures)
        {
            md.AppendLine(inv, $"| {f.Name} | {f.Value:N0} | {f.Unit} | {f.Note ?? string.Empty} |");
        }

        if (searches.Count > 0)
        {
            md.AppendLine();
            md.AppendLine("## Whole searches (config/mnist-*.json, seed 1, no file output)");
            md.AppendLine();
            md.AppendLine("| encoding | generations | search time | evaluations | evals/s | classes ≥ 99.99% | first generation with all classes ≥ 99.99% | median elite |");
            md.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
            foreach (SearchFigure s in searches)
            {
                md.AppendLine(inv, $"| {s.Encoding} | {s.Generations} | {s.Seconds:F1} s | {s.Evaluations:N0} | {s.Evaluations / s.Seconds:N0} | {s.Fooled}/10 | {(s.FirstAllFooled is int g ? g.ToString(inv) : "never")} | {Runs.Reporting.ConfidenceText.Percent(s.MedianConfidence)} |");
            }
        }

        return md.ToString();
    }

    private static SearchFigure Search<TGenome>(IEncoding<TGenome> encoding, EvolutionConfig config, IImageClassifier classifier)
    {
        var archive = new EliteArchive<TGenome>(classifier.Classes);
        var scheduler = new Scheduler<TGenome>(archive, encoding.Variation, config.InitialPopulation, config.BatchSize, new DeterministicRandom(config.Seed));
        var evaluator = new Evaluator<TGenome>(encoding.Decoder, classifier);
        int? firstAll = null;
        var clock = Stopwatch.StartNew();
        while (scheduler.NextGeneration <= config.Generations)
        {
            int generation = scheduler.NextGeneration;
            IReadOnlyList<TGenome> batch = scheduler.Ask();
            scheduler.Tell(batch, evaluator.Evaluate(batch).Probabilities);
            if (firstAll is null && archive.Stats().AtLeast9999 == archive.Cells)
            {
                firstAll = generation;
            }
        }

        double seconds = clock.Elapsed.TotalSeconds;
        ArchiveStats stats = archive.Stats();
        return new SearchFigure(encoding.Name, config.Generations, seconds, archive.Evaluations, stats.AtLeast9999, firstAll, stats.MedianConfidence);
    }

    private static double EvaluationRate<TGenome>(IEncoding<TGenome> encoding, IReadOnlyList<TGenome> genomes, IImageClassifier classifier, int trials, double minSeconds)
    {
        var evaluator = new Evaluator<TGenome>(encoding.Decoder, classifier);
        return Measure.BestRate(() => evaluator.Evaluate(genomes).Count, trials, minSeconds);
    }

    private static double RenderRate<TGenome>(IGenomeDecoder<TGenome> decoder, IReadOnlyList<TGenome> genomes, int trials, double minSeconds)
    {
        var images = new float[genomes.Count * decoder.Shape.Size];
        return Measure.BestRate(() => { decoder.Render(genomes, images); return genomes.Count; }, trials, minSeconds);
    }

    /// <summary>CPPNs of the size a search grows: random ones mutated 200 times.</summary>
    private static IReadOnlyList<CppnGenome> GrownCppns(CppnEncoding encoding, int count, DeterministicRandom random)
    {
        var genomes = new CppnGenome[count];
        for (int i = 0; i < count; i++)
        {
            CppnGenome g = encoding.Variation.CreateRandom(random);
            for (int m = 0; m < 200; m++)
            {
                g = encoding.Variation.Mutate(g, random, m);
            }

            genomes[i] = g;
        }

        return genomes;
    }
}
