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
    public bool HasPendingAsk => _pending is not null;

    /// <summary>The next batch of candidates to evaluate.</summary>
    /// <exception cref="InvalidOperationException">The previous ask has not been told.</exception>
    public IReadOnlyList<TGenome> Ask()
    {
        if (_pending is not null)
        {
            throw new InvalidOperationException("Ask was called again before the previous batch was told; call Tell with its results first");
        }

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
        NextGeneration++;
        return results;
    }
}
