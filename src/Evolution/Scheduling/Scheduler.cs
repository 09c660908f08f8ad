using FoolingCluster.Evolution.Archive;
using FoolingCluster.Evolution.Genomes;
using FoolingCluster.Evolution.Randomness;

namespace FoolingCluster.Evolution.Scheduling;

/// <summary>
/// The ask/tell seam (after pyribs): <see cref="Ask"/> hands out candidates, the caller
/// evaluates them anywhere it likes, and <see cref="Tell"/> adds them to the archive. The
/// first ask is the random initial population (generation 0); every later ask is one
/// generation of offspring of the current elites. Seeded and single-threaded, equal inputs
/// give equal archives.
/// </summary>
/// <typeparam name="TGenome">Genome type.</typeparam>
public sealed class Scheduler<TGenome>
{
    private readonly IVariation<TGenome> _variation;
    private readonly int _initialPopulation;
    private readonly int _batchSize;
    private IReadOnlyList<TGenome>? _pending;
    private IReadOnlyList<JobPlan<TGenome>>? _pendingJobs;
    private ulong[]? _stateBeforeAsk;

    /// <summary>A scheduler over <paramref name="archive"/>.</summary>
    /// <param name="archive">The archive; may be restored from a snapshot.</param>
    /// <param name="variation">The encoding's operators.</param>
    /// <param name="initialPopulation">Random genomes in generation 0 (200 in the reference).</param>
    /// <param name="batchSize">Offspring per later generation (200 in the reference).</param>
    /// <param name="random">Generator; its state is part of a snapshot.</param>
    /// <param name="nextGeneration">Generation the next ask produces (0 for a fresh run).</param>
    public Scheduler(EliteArchive<TGenome> archive, IVariation<TGenome> variation, int initialPopulation, int batchSize, DeterministicRandom random, int nextGeneration = 0)
    {
        ArgumentNullException.ThrowIfNull(archive);
        ArgumentNullException.ThrowIfNull(variation);
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfLessThan(initialPopulation, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(nextGeneration);
        Archive = archive;
        _variation = variation;
        _initialPopulation = initialPopulation;
        _batchSize = batchSize;
        Random = random;
        NextGeneration = nextGeneration;
    }

    /// <summary>The archive candidates are told to.</summary>
    public EliteArchive<TGenome> Archive { get; }

    /// <summary>The generator; save its <see cref="DeterministicRandom.State"/> to continue later.</summary>
    public DeterministicRandom Random { get; }

    /// <summary>Generation the next <see cref="Ask"/> produces; also the number of generations told so far.</summary>
    public int NextGeneration { get; private set; }

    /// <summary>Whether an ask awaits its tell.</summary>
    public bool HasPendingAsk => _pending is not null || _pendingJobs is not null;

    /// <summary>The next batch of candidates to evaluate.</summary>
    /// <exception cref="InvalidOperationException">The previous ask has not been told.</exception>
    public IReadOnlyList<TGenome> Ask()
    {
        BeginAsk();

        if (NextGeneration == 0)
        {
            var initial = new TGenome[_initialPopulation];
            for (int i = 0; i < initial.Length; i++)
            {
                initial[i] = _variation.CreateRandom(Random);
            }

            _pending = initial;
        }
        else
        {
            IReadOnlyList<TGenome> parents = OffspringBreeder.SelectParents(Archive, _batchSize, Random);
            _pending = OffspringBreeder.Breed(parents, _variation, Random, NextGeneration);
        }

        return _pending;
    }

    /// <summary>Adds the evaluated batch from the last <see cref="Ask"/> to the archive.</summary>
    /// <param name="candidates">Exactly the list the last ask returned.</param>
    /// <param name="probabilities">Their softmax outputs, <c>[N,K]</c>.</param>
    /// <returns>One add result per candidate.</returns>
    /// <exception cref="InvalidOperationException">There was no ask to answer.</exception>
    /// <exception cref="ArgumentException"><paramref name="candidates"/> is not the asked batch.</exception>
    public AddResult[] Tell(IReadOnlyList<TGenome> candidates, ReadOnlySpan<float> probabilities)
    {
        if (_pending is null)
        {
            throw new InvalidOperationException("Tell was called without a pending Ask; ask for candidates first");
        }

        if (!ReferenceEquals(candidates, _pending))
        {
            throw new ArgumentException("Tell must be given the batch the last Ask returned", nameof(candidates));
        }

        AddResult[] results = Archive.Add(candidates, probabilities, NextGeneration);
        _pending = null;
        _stateBeforeAsk = null;
        NextGeneration++;
        return results;
    }

    /// <summary>Children the next ask produces: the initial population, then a generation's offspring.</summary>
    public int NextGenerationSize => NextGeneration == 0 ? _initialPopulation : _batchSize;

    /// <summary>
    /// The next generation as jobs to breed and evaluate elsewhere (the cluster's form of
    /// <see cref="Ask"/>): generation 0 is the random initial population split into jobs;
    /// later generations draw one parent per child uniformly from the filled cells here and
    /// leave breeding to whoever runs the job. The generation's seed and parents are drawn
    /// before it is split, and each pair of children breeds from its own generator
    /// (<see cref="JobBreeder"/>), so the children do not depend on <paramref name="jobSize"/>.
    /// </summary>
    /// <param name="jobSize">Most children per job; rounded up to even, so no pair is split.</param>
    /// <exception cref="InvalidOperationException">A previous ask has not been told.</exception>
    public IReadOnlyList<JobPlan<TGenome>> AskJobs(int jobSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(jobSize, 1);
        BeginAsk();
        int total = NextGenerationSize;
        ulong seed = Random.NextUInt64();
        IReadOnlyList<TGenome> parents = NextGeneration == 0 ? [] : OffspringBreeder.SelectParents(Archive, total, Random);
        long firstId = Archive.Evaluations;
        var jobs = new List<JobPlan<TGenome>>();
        foreach ((int start, int children) in Split(total, jobSize))
        {
            IReadOnlyList<TGenome> theirs = NextGeneration == 0 ? [] : parents.Skip(start).Take(children).ToArray();
            jobs.Add(new JobPlan<TGenome>(jobs.Count, NextGeneration, theirs, children, seed, firstId + start, start));
        }

        _pendingJobs = jobs;
        return jobs;
    }

    /// <summary>
    /// <paramref name="total"/> children as the fewest jobs of at most <paramref name="jobSize"/>
    /// (rounded up to even), as equal as whole pairs allow, each starting at an even child: the
    /// last job is never a small remainder, whose batch would be evaluated far less efficiently.
    /// </summary>
    internal static IEnumerable<(int Start, int Children)> Split(int total, int jobSize)
    {
        int pairsPerJob = Math.Max(1, (jobSize + 1) / 2);
        int pairs = (total + 1) / 2;
        int jobs = (pairs + pairsPerJob - 1) / pairsPerJob;
        int start = 0;
        for (int j = 0; j < jobs; j++)
        {
            int theirPairs = (pairs / jobs) + (j < pairs % jobs ? 1 : 0);
            int children = Math.Min(2 * theirPairs, total - start);
            yield return (start, children);
            start += children;
        }
    }

    /// <summary>Merges the outcomes of the last <see cref="AskJobs"/>, job by job in order, and ends the generation.</summary>
    /// <param name="jobs">Exactly the list the last AskJobs returned.</param>
    /// <param name="outcomes">One outcome per job, in the same order.</param>
    /// <exception cref="InvalidOperationException">There was no job ask to answer.</exception>
    /// <exception cref="ArgumentException">Other jobs, a missing outcome, or an outcome that does not fit its job.</exception>
    public AddResult[] TellJobs(IReadOnlyList<JobPlan<TGenome>> jobs, IReadOnlyList<JobOutcome<TGenome>> outcomes)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        ArgumentNullException.ThrowIfNull(outcomes);
        if (_pendingJobs is null)
        {
            throw new InvalidOperationException("TellJobs was called without a pending AskJobs; ask for jobs first");
        }

        if (!ReferenceEquals(jobs, _pendingJobs) || outcomes.Count != jobs.Count)
        {
            throw new ArgumentException("TellJobs must be given the jobs the last AskJobs returned and one outcome for each", nameof(jobs));
        }

        var results = new List<AddResult>();
        for (int j = 0; j < jobs.Count; j++)
        {
            JobPlan<TGenome> job = jobs[j];
            JobOutcome<TGenome> outcome = outcomes[j];
            if (outcome.Evaluations != job.Children || outcome.Indices.Any(i => i < 0 || i >= job.Children))
            {
                throw new ArgumentException($"job {j}: an outcome must count all {job.Children} children and report indices within them", nameof(outcomes));
            }

            results.AddRange(Archive.Merge(outcome.Genomes, outcome.Probabilities, NextGeneration, i => job.FirstEvaluationId + outcome.Indices[i], outcome.Evaluations));
        }

        _pendingJobs = null;
        _stateBeforeAsk = null;
        NextGeneration++;
        return [.. results];
    }

    /// <summary>
    /// Forgets a pending ask whose batch will never be told (a stopped search) and puts the
    /// generator back where it was before that ask, so a snapshot taken now and resumed later
    /// asks the same batch again.
    /// </summary>
    public void AbandonPending()
    {
        if (_stateBeforeAsk is not null)
        {
            Random.Reset(_stateBeforeAsk);
        }

        _pending = null;
        _pendingJobs = null;
        _stateBeforeAsk = null;
    }

    private void BeginAsk()
    {
        if (HasPendingAsk)
        {
            throw new InvalidOperationException("Ask was called again before the previous batch was told; call Tell with its results first");
        }

        _stateBeforeAsk = Random.State;
    }
}
