using FoolingCluster.Coordinator.Search;
using FoolingCluster.Evolution.Archive;
using FoolingCluster.Evolution.Encodings;
using FoolingCluster.Evolution.Evaluation;
using FoolingCluster.Evolution.Genomes;
using FoolingCluster.Evolution.Genomes.Direct;
using FoolingCluster.Evolution.Randomness;
using FoolingCluster.Evolution.Scheduling;
using FoolingCluster.Hosting.Nodes;
using FoolingCluster.Protocol.Messages;
using FoolingCluster.Runs.Codecs;
using FoolingCluster.Worker.Transport;
using Xunit;

namespace FoolingCluster.Coordinator.Tests;

/// <summary>
/// A worker that sends malformed or made-up results (NaN, wrong lengths, inflated scores,
/// another run, wrong counts) ahead of the honest ones, through the same job board and worker
/// actors as a cluster: every bad result is refused, and the archive ends exactly as with honest
/// workers only. Bytes that are not a message never get this far: the wire serializer refuses
/// them between nodes (tests/Hosting).
/// </summary>
public sealed class HostileWorkerTests
{
    private const int Classes = 4;
    private static readonly ImageShape s_shape = new(1, 4, 4);
    private readonly DirectEncoding _encoding = new(s_shape, new DirectSettings());

    [Fact]
    public async Task Hostile_results_are_refused_and_the_archive_equals_the_honest_one()
    {
        (EliteArchive<DirectGenome> honest, int refusedHonest) = await RunAsync(hostile: false);
        (EliteArchive<DirectGenome> attacked, int refused) = await RunAsync(hostile: true);

        Assert.Equal(0, refusedHonest);
        Assert.Equal(3 * 2 * 6, refused);        // 3 generations × 2 jobs × 6 crafted results
        Assert.Equal(honest.Evaluations, attacked.Evaluations);
        for (int c = 0; c < Classes; c++)
        {
            Elite<DirectGenome> a = honest[c]!;
            Elite<DirectGenome> b = attacked[c]!;
            Assert.Equal((a.Id, a.Confidence, a.Generation), (b.Id, b.Confidence, b.Generation));
            Assert.Equal(a.Genome.Genes.ToArray(), b.Genome.Genes.ToArray());
        }
    }

    private async Task<(EliteArchive<DirectGenome> Archive, int Refused)> RunAsync(bool hostile)
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using EmbeddedNode node = await EmbeddedNode.StartAsync(null, stop.Token);
        var verifier = new Evaluator<DirectGenome>(_encoding.Decoder, new SumClassifier());
        var spec = new RunSpecMessage { RunId = "run", Encoding = _encoding.Name, Channels = 1, Height = 4, Width = 4, Classes = Classes };
        await using var evaluator = new ClusterGenerationEvaluator<DirectGenome>(node.Coordinator, _encoding, spec, verifier, jobSize: 10);
        var archive = new EliteArchive<DirectGenome>(Classes);
        var scheduler = new Scheduler<DirectGenome>(archive, _encoding.Variation, 20, 20, new DeterministicRandom(9));
        await using IWorkerTransport worker = node.Worker(hostile ? "hostile" : "honest");
        Task serving = ServeAsync(worker, verifier, hostile, stop.Token);
        for (int g = 0; g < 3; g++)
        {
            await Task.Run(() => evaluator.RunGeneration(scheduler, 2f, stop.Token));
        }

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => serving);
        return (archive, evaluator.RefusedResults);
    }

    /// <summary>Answers every job honestly, after (if <paramref name="hostile"/>) a volley of bad answers to the same job.</summary>
    private async Task ServeAsync(IWorkerTransport worker, Evaluator<DirectGenome> evaluator, bool hostile, CancellationToken cancel)
    {
        await foreach (IDelivery<JobMessage> delivery in worker.ReceiveJobsAsync(1, cancel))
        {
            ResultMessage honest = Honest(delivery.Message, evaluator);
            if (hostile)
            {
                foreach (ResultMessage bad in Hostile(honest))
                {
                    await worker.PublishAsync(new WorkerMessage { Result = bad }, cancel);
                }
            }

            await worker.PublishAsync(new WorkerMessage { Result = honest }, cancel);
            await delivery.AckAsync();
        }
    }

    private ResultMessage Honest(JobMessage job, Evaluator<DirectGenome> evaluator)
    {
        IReadOnlyList<DirectGenome> children = JobBreeder.Breed(job.Parents.Select(_encoding.FromMessage).ToList(), job.Children, job.Seed, job.Generation, job.FirstChild, _encoding.Variation);
        EvaluatedBatch batch = evaluator.Evaluate(children);
        var result = new ResultMessage { RunId = job.Run.RunId, JobId = job.JobId, WorkerId = "honest", Evaluations = batch.Count };
        for (int i = 0; i < batch.Count; i++)
        {
            float[] p = batch.Probabilities.AsSpan(i * Classes, Classes).ToArray();
            if (Enumerable.Range(0, Classes).Any(c => p[c] > job.EliteFitness[c]))
            {
                var child = new ChildMessage { Index = i, Genome = _encoding.ToMessage(children[i]) };
                child.Probabilities.AddRange(p);
                result.Improving.Add(child);
            }
        }

        return result;
    }

    /// <summary>Six ways to lie about a job; each must be refused.</summary>
    private IEnumerable<ResultMessage> Hostile(ResultMessage honest)
    {
        ResultMessage Copy(Action<ResultMessage> change)
        {
            ResultMessage bad = honest.Clone();
            bad.WorkerId = "hostile";
            if (bad.Improving.Count == 0)
            {
                var child = new ChildMessage { Index = 0, Genome = _encoding.ToMessage(_encoding.Variation.CreateRandom(new DeterministicRandom(1))) };
                child.Probabilities.AddRange(Enumerable.Repeat(1f / Classes, Classes));
                bad.Improving.Add(child);
            }

            change(bad);
            return bad;
        }

        yield return Copy(r => r.Improving[0].Probabilities[0] = float.NaN);
        yield return Copy(r => r.Improving[0].Probabilities.Add(0f));
        yield return Copy(r =>
        {
            // Well-formed, sums to 1, and a lie: the coordinator recomputes it.
            r.Improving[0].Probabilities.Clear();
            r.Improving[0].Probabilities.AddRange([1f, 0f, 0f, 0f]);
        });
        yield return Copy(r => r.RunId = "another-run");
        yield return Copy(r => r.Evaluations += 1);
        yield return Copy(r => r.Improving[0].Genome = new GenomeMessage { Direct = new DirectGenomeMessage { Channels = 1, Height = 4, Width = 4 } });
    }

    /// <summary>Softmax of pixel sums over four quarters of the image: cheap, deterministic, sensitive to every pixel.</summary>
    private sealed class SumClassifier : IImageClassifier
    {
        public ImageShape InputShape => s_shape;

        public int Classes => HostileWorkerTests.Classes;

        public void Classify(ReadOnlySpan<float> images, int count, Span<float> probabilities)
        {
            for (int n = 0; n < count; n++)
            {
                ReadOnlySpan<float> image = images.Slice(n * 16, 16);
                var logits = new double[Classes];
                for (int i = 0; i < 16; i++)
                {
                    logits[i / 4] += 3 * image[i];
                }

                double max = logits.Max();
                double sum = logits.Sum(l => Math.Exp(l - max));
                for (int c = 0; c < Classes; c++)
                {
                    probabilities[(n * Classes) + c] = (float)(Math.Exp(logits[c] - max) / sum);
                }
            }
        }
    }
}
