using FoolingCluster.Evolution.Genomes;
using FoolingCluster.Evolution.Randomness;

namespace FoolingCluster.Evolution.Scheduling;

/// <summary>Makes a job's children from its parents and seed; the same inputs give the same children on any machine.</summary>
public static class JobBreeder
{
    /// <summary>The children of a job.</summary>
    /// <param name="parents">One per child in pairs; ignored in generation 0.</param>
    /// <param name="children">How many to make.</param>
    /// <param name="seed">Seed of the job's generator.</param>
    /// <param name="generation">0 for random genomes; later generations breed from the parents.</param>
    /// <param name="variation">The encoding's operators.</param>
    public static IReadOnlyList<TGenome> Breed<TGenome>(IReadOnlyList<TGenome> parents, int children, ulong seed, int generation, IVariation<TGenome> variation)
    {
        ArgumentNullException.ThrowIfNull(parents);
        ArgumentNullException.ThrowIfNull(variation);
        var random = new DeterministicRandom(unchecked((long)seed));
        if (generation == 0)
        {
            var initial = new TGenome[children];
            for (int i = 0; i < children; i++)
            {
                initial[i] = variation.CreateRandom(random);
            }

            return initial;
        }

        if (parents.Count != children)
        {
            throw new ArgumentException($"a job of {children} children needs {children} parents (got {parents.Count})", nameof(parents));
        }

        return OffspringBreeder.Breed(parents, variation, random, generation);
    }
}
