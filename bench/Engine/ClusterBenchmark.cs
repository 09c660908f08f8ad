using System.Diagnostics;
using System.Globalization;
using System.Text;
using FoolingCluster.Coordinator.Search;
using FoolingCluster.Evolution.Archive;
using FoolingCluster.Evolution.Encodings;
using FoolingCluster.Evolution.Evaluation;
using FoolingCluster.Evolution.Genomes;
using FoolingCluster.Evolution.Genomes.Cppn;
using FoolingCluster.Evolution.Randomness;
using FoolingCluster.Evolution.Scheduling;
using FoolingCluster.Hosting.Nodes;
using FoolingCluster.Protocol.Messages;
using FoolingCluster.Runs.Codecs;
using FoolingCluster.Tensors;
using FoolingCluster.Tensors.NN;
using FoolingCluster.Worker.Transport;

namespace FoolingCluster.Bench;

/// <summary>
/// The coordinator's own ceiling: generations of CPPN jobs answered at once by a worker that
/// evaluates nothing (it only breeds the few children it reports), so what is measured is the
/// coordinator drawing parents, encoding jobs, decoding, checking and recomputing reported
/// children, and merging — the work that does not shrink when workers are added.
/// </summary>
public static class ClusterBenchmark
{
    /// <summary>
    /// Children merged per second, with 0 and with 2 reported (recomputed) children per job of 50,
    /// answered by one worker actor, and with 0 reported by 100 worker actors pulling at once.
    /// </summary>
    public static IReadOnlyList<Figure> CoordinatorCeiling(Module model, Action<Figure> onFigure, bool quick)
    {
        ArgumentNullException.ThrowIfNull(onFigure);
        var figures = new List<Figure>();
        foreach ((int reported, int workers) in new[] { (0, 1), (2, 1), (0, 100) })
        {
            (double children, double jobs) = Measure(model, reported, workers, quick ? 2 : 6);
            string who = workers == 1 ? "1 worker" : string.Create(CultureInfo.InvariantCulture, $"{workers} simulated workers");
            var f = new Figure($"coordinator ceiling, {who}, {reported} reported children per job of 50", children, "children/s", string.Create(CultureInfo.InvariantCulture, $"{jobs:N0} results merged/s; generations of 4,000 CPPN children"));
            figures.Add(f);
            onFigure(f);
        }

        return figures;
    }

    /// <summary>Markdown for <c>bench/results/coordinator-ceiling.md</c>.</summary>
    public static string Markdown(IReadOnlyList<Figure> figures, string command)
    {
        var md = new StringBuilder();
        md.AppendLine("# Coordinator ceiling");
        md.AppendLine();
        md.AppendLine(string.Create(CultureInfo.InvariantCulture, $"- measured: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC"));
        md.AppendLine($"- machine: {MachineInfo.Describe()}");
        md.AppendLine($"- threads: {Engine.Threads}");
        md.AppendLine($"- command: `{command}`");
        md.AppendLine("- method: the embedded node (job board and worker actor in one process); one worker answers every job at once, evaluating only the children it reports (their scores are honest, so the coordinator's recomputation accepts them); best of the generations after the first");
        md.AppendLine();
        md.AppendLine("| figure | value | unit | note |");
        md.AppendLine("| --- | ---: | --- | --- |");
        foreach (Figure f in figures)
        {
            md.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {f.Name} | {f.Value:N0} | {f.Unit} | {f.Note} |"));
        }

        md.AppendLine();
        md.AppendLine("Children per second is the rate at which the coordinator can hand out and take back work; divided by one worker's evaluation rate it bounds how many workers one coordinator keeps busy.");
        return md.ToString();
    }

    private static (double Children, double Jobs) Measure(Module model, int reported, int workers, int generations)
    {
        const int Batch = 4000;
        const int JobSize = 50;
        ImageShape shape = ImageShape.Mnist;
        var encoding = new CppnEncoding(shape, new CppnSettings());
        var classifier = new ModuleClassifier(model, shape, 10);
        var verifier = new Evaluator<CppnGenome>(encoding.Decoder, classifier);
        using var stop = new CancellationTokenSource();

        // Measure is synchronous, as a generation is; the node's start and stop are waited for here.
        EmbeddedNode node = EmbeddedNode.StartAsync(null, stop.Token).GetAwaiter().GetResult();
        var spec = new RunSpecMessage { RunId = "bench", Encoding = encoding.Name, Channels = 1, Height = 28, Width = 28, Classes = 10 };
        var evaluator = new ClusterGenerationEvaluator<CppnGenome>(node.Coordinator, encoding, spec, verifier, JobSize);
        var scheduler = new Scheduler<CppnGenome>(new EliteArchive<CppnGenome>(10), encoding.Variation, Batch, Batch, new DeterministicRandom(1));
        var workerEvaluator = new Evaluator<CppnGenome>(encoding.Decoder, new ModuleClassifier(model, shape, 10));
        Task[] answering = [.. Enumerable.Range(0, workers).Select(i => Task.Run(() => AnswerAsync(node.Worker($"instant-{i}"), encoding, workerEvaluator, reported, stop.Token)))];
        double best = 0;
        try
        {
            for (int g = 0; g < generations; g++)
            {
                long start = Stopwatch.GetTimestamp();
                evaluator.RunGeneration(scheduler, 2f, stop.Token);
                double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
                if (g > 0)
                {
                    best = Math.Max(best, Batch / seconds);
                }
            }
        }
        finally
        {
            stop.Cancel();
            try
            {
                Task.WhenAll(answering).GetAwaiter().GetResult();
            }
            catch (OperationCanceledException)
            {
            }

            evaluator.DisposeAsync().AsTask().GetAwaiter().GetResult();
            node.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        return (best, best / JobSize);
    }

    private static async Task AnswerAsync(IWorkerTransport worker, CppnEncoding encoding, Evaluator<CppnGenome> evaluator, int reported, CancellationToken cancel)
    {
        await foreach (IDelivery<JobMessage> delivery in worker.ReceiveJobsAsync(1, cancel).ConfigureAwait(false))
        {
            JobMessage job = delivery.Message;
            var result = new ResultMessage { RunId = job.Run.RunId, JobId = job.JobId, WorkerId = "instant", Evaluations = job.Children };

            // Generation 0 must fill the archive, or no parents can be drawn after it.
            int count = job.Generation == 0 ? Math.Max(reported, 1) : reported;
            if (count > 0)
            {
                IReadOnlyList<CppnGenome> children = JobBreeder.Breed(job.Parents.Select(encoding.FromMessage).ToList(), job.Children, job.Seed, job.Generation, job.FirstChild, encoding.Variation);
                IReadOnlyList<CppnGenome> shown = children.Take(count).ToList();
                float[] p;
                lock (evaluator)
                {
                    // Simulated workers share one model; a real worker has its own.
                    p = evaluator.Evaluate(shown).Probabilities;
                }

                for (int i = 0; i < shown.Count; i++)
                {
                    var child = new ChildMessage { Index = i, Genome = encoding.ToMessage(shown[i]) };
                    child.Probabilities.AddRange(p.AsSpan(i * 10, 10).ToArray());
                    result.Improving.Add(child);
                }
            }

            await worker.PublishAsync(new WorkerMessage { Result = result }, cancel).ConfigureAwait(false);
            await delivery.AckAsync().ConfigureAwait(false);
        }
    }
}
