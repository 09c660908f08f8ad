using FoolingCluster.Evolution.Genomes;
using FoolingCluster.Evolution.Randomness;

namespace FoolingCluster.Evolution.Scheduling;

/// <summary>
/// Makes a job's children from its parents, its generation's seed and its place in the
/// generation. Each pair of children (each child in generation 0) breeds with a generator of
/// its own, seeded from the generation's seed and the pair's position, so the same inputs give
/// the same children on any machine and however the generation is split into jobs: the
/// coordinator may size jobs by the workers present without changing the run.
/// </summary>
public static class JobBreeder
{
    /// <summary>The children of a job.</summary>
    /// <param name="parents">One per child in pairs; ignored in generation 0.</param>
    /// <param name="children">How many to make.</param>
    /// <param name="seed">The generation's seed.</param>
    /// <param name="generation">0 for random genomes; later generations breed from the parents.</param>
    /// <param name="firstChild">Position of the job's first child in its generation; even after generation 0.</param>
    /// <param name="variation">The encoding's operators.</param>
    public static IReadOnlyList<TGenome> Breed<TGenome>(IReadOnlyList<TGenome> parents, int children, ulong seed, int generation, int firstChild, IVariation<TGenome> variation)
    {
        ArgumentNullException.ThrowIfNull(parents);
        ArgumentNullException.ThrowIfNull(variation);
        ArgumentOutOfRangeException.ThrowIfNegative(firstChild);
        if (generation == 0)
        {
            var initial = new TGenome[children];
            for (int i = 0; i < children; i++)
            {
                initial[i] = variation.CreateRandom(DeterministicRandom.ForStream(seed, firstChild + i));
            }

            return initial;
        }

        if (parents.Count != children)
        {
            throw new ArgumentException($"a job of {children} children needs {children} parents (got {parents.Count})", nameof(parents));
        }

        if (firstChild % 2 != 0)
        {
            throw new ArgumentException($"a job of generation {generation} must start at an even child, so that no pair of parents is split (got {firstChild})", nameof(firstChild));
        }

        return OffspringBreeder.Breed(parents, variation, pair => DeterministicRandom.ForStream(seed, (firstChild / 2) + pair), generation);
    }
}
