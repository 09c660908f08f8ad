using FoolingCluster.Coordinator.Transport;
using FoolingCluster.Evolution.Encodings;
using FoolingCluster.Evolution.Evaluation;
using FoolingCluster.Evolution.Scheduling;
using FoolingCluster.Protocol.Messages;
using FoolingCluster.Runs;
using FoolingCluster.Runs.Codecs;

namespace FoolingCluster.Coordinator.Search;

/// <summary>
/// Runs each generation on workers: the scheduler's jobs go out over the transport, results
/// come back, are checked (<see cref="ResultCheck{TGenome}"/>) and kept per job; when every job
/// of the generation has an accepted result they are merged in job order, so the archive does
/// not depend on which worker finished first. Duplicate results (at-least-once delivery) and
/// results of other runs or finished generations are dropped; jobs still missing after a
/// while are sent again.
/// </summary>
/// <typeparam name="TGenome">Genome type.</typeparam>
public sealed class ClusterGenerationEvaluator<TGenome> : IGenerationEvaluator<TGenome>, IAsyncDisposable
{
    private readonly ICoordinatorTransport _transport;
    private readonly IEncoding<TGenome> _encoding;
    private readonly RunSpecMessage _spec;
    private readonly int _jobSize;
    private readonly ResultCheck<TGenome> _check;
    private readonly Action<string>? _log;
    private readonly bool _inProcess;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _receiving;
    private readonly Lock _gate = new();

    /// <summary>Workers that have sent a refused result: each of their found images is recomputed from then on (read and written on the receive task only).</summary>
    private readonly HashSet<string> _caught = [];
    private Generation? _current;

    /// <summary>Starts listening for results and heartbeats.</summary>
    /// <param name="transport">The coordinator's transport.</param>
    /// <param name="encoding">The run's encoding.</param>
    /// <param name="spec">The run as workers see it.</param>
    /// <param name="verifier">The coordinator's own evaluator, used to recompute reported scores.</param>
    /// <param name="jobSize">Most children per job; 0 sizes each generation's jobs by the workers present (<see cref="JobSizeFor"/>).</param>
    /// <param name="log">Receives one line per dropped or refused message.</param>
    /// <param name="trustedWorkers">Workers are in this process: check results' structure but do not recompute their scores.</param>
    public ClusterGenerationEvaluator(ICoordinatorTransport transport, IEncoding<TGenome> encoding, RunSpecMessage spec, Evaluator<TGenome> verifier, int jobSize, Action<string>? log = null, bool trustedWorkers = false)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentOutOfRangeException.ThrowIfNegative(jobSize);
        _transport = transport;
        _encoding = encoding;
        _spec = spec;
        _jobSize = jobSize;
        _check = new ResultCheck<TGenome>(encoding, verifier, recompute: !trustedWorkers);
        _inProcess = trustedWorkers;
        _log = log;
        _receiving = Task.Run(() => ReceiveAsync(_stop.Token));
    }

    /// <summary>Workers seen, with their last heartbeat and counts.</summary>
    public WorkerRegistry Workers { get; } = new();

    /// <summary>Results refused by the checks so far.</summary>
    public int RefusedResults { get; private set; }

    /// <summary>
    /// How long a generation waits at least for a missing result before sending its job again;
    /// it waits longer, three times the slowest generation so far, where generations are slow (a
    /// costly model such as ABS). Jobs of in-process workers, which cannot be lost, are never
    /// sent again: a job still queued behind others would only be computed twice.
    /// </summary>
    public TimeSpan ResendAfter { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Most children a job may hold (a message limit for large genomes); bounds sized and fixed jobs alike.</summary>
    public int MostChildrenPerJob { get; init; } = int.MaxValue;

    /// <summary>Smallest job sized by the workers present: smaller batches cost far more per image, and below 8 images a model's last bits may depend on the batch.</summary>
    public const int SmallestSizedJob = 16;

    /// <summary>
    /// Children per job for a generation of <paramref name="children"/> with
    /// <paramref name="workers"/> workers present: two jobs per worker, one running and one
    /// waiting, so a worker never waits for the next job while the coordinator checks the last.
    /// Children breed the same however a generation is split (<see cref="Scheduler{TGenome}.AskJobs"/>),
    /// so the job size changes the run's speed, not its archive.
    /// </summary>
    public static int JobSizeFor(int children, int workers)
    {
        int jobs = 2 * Math.Max(1, workers);
        return Math.Max(SmallestSizedJob, (children + jobs - 1) / jobs);
    }

    /// <summary>The longest any generation has taken so far.</summary>
    private TimeSpan _slowestGeneration = TimeSpan.Zero;

    /// <inheritdoc/>
    public GenerationResult RunGeneration(Scheduler<TGenome> scheduler, float recordThreshold, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        float[] eliteFitness = Enumerable.Range(0, scheduler.Archive.Cells).Select(c => scheduler.Archive[c]?.Confidence ?? 0f).ToArray();
        int jobSize = Math.Min(_jobSize > 0 ? _jobSize : JobSizeFor(scheduler.NextGenerationSize, Workers.Present()), MostChildrenPerJob);
        IReadOnlyList<JobPlan<TGenome>> plans = scheduler.AskJobs(jobSize);
        var generation = new Generation(plans, recordThreshold, eliteFitness);
        lock (_gate)
        {
            _current = generation;
        }

        try
        {
            JobMessage[] jobs = plans.Select(p => ToMessage(p, eliteFitness, recordThreshold)).ToArray();
            var clock = System.Diagnostics.Stopwatch.StartNew();
            Publish(jobs, cancel);
            TimeSpan wait = _inProcess ? Timeout.InfiniteTimeSpan : TimeSpan.FromTicks(Math.Max(ResendAfter.Ticks, 3 * _slowestGeneration.Ticks));
            while (!generation.Done.Wait(wait, cancel))
            {
                JobMessage[] missing = generation.Missing().Select(i => jobs[i]).ToArray();
                _log?.Invoke($"generation {plans[0].Generation}: no result for {missing.Length} job(s) after {clock.Elapsed.TotalSeconds:F0} s; sending them again");
                Publish(missing, cancel);
            }

            if (clock.Elapsed > _slowestGeneration)
            {
                _slowestGeneration = clock.Elapsed;
            }
        }
        finally
        {
            lock (_gate)
            {
                _current = null;
            }
        }

        scheduler.TellJobs(plans, generation.Outcomes!);
        return new GenerationResult(plans.Sum(p => p.Children), generation.Found);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _receiving.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    /// <summary>Job ids are unique within a run and equal for the same job of a resumed run, so late duplicates are recognised.</summary>
    public static long JobId(int generation, int index) => ((long)generation * JobsPerGeneration) + index;

    /// <summary>Job ids leave room for this many jobs per generation.</summary>
    private const long JobsPerGeneration = 1_000_000;

    private JobMessage ToMessage(JobPlan<TGenome> plan, float[] eliteFitness, float recordThreshold)
    {
        var job = new JobMessage
        {
            Run = _spec,
            JobId = JobId(plan.Generation, plan.Index),
            Generation = plan.Generation,
            Seed = plan.Seed,
            Children = plan.Children,
            RecordThreshold = recordThreshold,
            FirstEvaluationId = plan.FirstEvaluationId,
            FirstChild = plan.FirstChild,
        };
        job.EliteFitness.AddRange(eliteFitness);
        job.Parents.AddRange(plan.Parents.Select(_encoding.ToMessage));
        return job;
    }

    private void Publish(IEnumerable<JobMessage> jobs, CancellationToken cancel)
    {
        foreach (JobMessage job in jobs)
        {
            _transport.PublishJobAsync(job, cancel).AsTask().GetAwaiter().GetResult();
        }
    }

    private async Task ReceiveAsync(CancellationToken cancel)
    {
        await foreach (WorkerMessage message in _transport.ReceiveAsync(cancel).ConfigureAwait(false))
        {
            try
            {
                if (message.BodyCase == WorkerMessage.BodyOneofCase.Heartbeat)
                {
                    Workers.Heartbeat(message.Heartbeat);
                }
                else if (message.BodyCase == WorkerMessage.BodyOneofCase.Result)
                {
                    Accept(message.Result);
                }
            }
#pragma warning disable CA1031 // One bad message must not stop the coordinator from hearing the others.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                _log?.Invoke($"dropped a message that could not be handled: {ex.Message}");
            }
        }
    }

    private void Accept(ResultMessage result)
    {
        Generation? generation;
        lock (_gate)
        {
            generation = _current;
        }

        string refusal;
        if (result.RunId != _spec.RunId)
        {
            refusal = $"result for unknown run '{Shorten(result.RunId)}'";
        }
        else if (generation is null || !generation.TryGetJob(result.JobId, out int index))
        {
            return; // a late duplicate, or a result of a generation already merged
        }
        else if (generation.HasResult(index))
        {
            return; // at-least-once delivery: the first accepted result counts
        }
        else
        {
            (JobOutcome<TGenome>? outcome, IReadOnlyList<FoundImage> found, string? problem) = _check.Check(result, generation.Plans[index], generation.RecordThreshold, full: _caught.Contains(result.WorkerId), best: generation.Best);
            if (outcome is not null)
            {
                generation.Complete(index, outcome, found);
                Workers.Accepted(result.WorkerId, result.Evaluations);
                return;
            }

            refusal = $"job {result.JobId}: {problem}";
        }

        RefusedResults++;
        Workers.Rejected(result.WorkerId);
        if (_caught.Count < WorkerRegistry.MaxWorkers)
        {
            _caught.Add(result.WorkerId);
        }

        _log?.Invoke($"refused a result from worker '{Shorten(result.WorkerId)}': {refusal}");
    }

    private static string Shorten(string text) => text.Length <= 64 ? text : text[..64] + "…";

    /// <summary>The jobs of the generation in flight and the results accepted for them.</summary>
    private sealed class Generation(IReadOnlyList<JobPlan<TGenome>> plans, float recordThreshold, float[] eliteFitness)
    {
        private readonly JobOutcome<TGenome>?[] _outcomes = new JobOutcome<TGenome>?[plans.Count];
        private readonly List<FoundImage>[] _found = [.. plans.Select(_ => new List<FoundImage>())];
        private readonly Lock _gate = new();
        private int _remaining = plans.Count;

        public IReadOnlyList<JobPlan<TGenome>> Plans => plans;

        public float RecordThreshold => recordThreshold;

        /// <summary>
        /// Per cell, the highest score of the results accepted so far, from the elites' before
        /// any: children below it in every cell cannot hold one after the merge, so the checks
        /// need not recompute them. Read and raised by the one thread that accepts results.
        /// </summary>
        public float[] Best { get; } = (float[])eliteFitness.Clone();

        public ManualResetEventSlim Done { get; } = new(plans.Count == 0);

        public IReadOnlyList<JobOutcome<TGenome>>? Outcomes => _remaining == 0 ? [.. _outcomes.Select(o => o!)] : null;

        public IReadOnlyList<FoundImage> Found => [.. _found.SelectMany(f => f)];

        public bool TryGetJob(long jobId, out int index)
        {
            long generationPart = jobId / JobsPerGeneration;
            index = (int)(jobId % JobsPerGeneration);
            return plans.Count > 0 && generationPart == plans[0].Generation && index >= 0 && index < plans.Count;
        }

        public bool HasResult(int index)
        {
            lock (_gate)
            {
                return _outcomes[index] is not null;
            }
        }

        public void Complete(int index, JobOutcome<TGenome> outcome, IReadOnlyList<FoundImage> found)
        {
            lock (_gate)
            {
                if (_outcomes[index] is not null)
                {
                    return;
                }

                _outcomes[index] = outcome;
                _found[index].AddRange(found);
                if (--_remaining == 0)
                {
                    Done.Set();
                }
            }
        }

        public IEnumerable<int> Missing()
        {
            lock (_gate)
            {
                return Enumerable.Range(0, _outcomes.Length).Where(i => _outcomes[i] is null).ToArray();
            }
        }
    }
}
