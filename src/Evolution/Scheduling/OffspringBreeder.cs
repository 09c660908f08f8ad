using FoolingCluster.Evolution.Archive;
using FoolingCluster.Evolution.Genomes;
using FoolingCluster.Evolution.Randomness;

namespace FoolingCluster.Evolution.Scheduling;

/// <summary>
/// One generation's variation, as in Sferes2's MAP-Elites (the reference experiments): two
/// parents drawn uniformly and independently from the filled cells for each pair, the pair
/// crossed with the encoding's crossover rate (or copied), and both children mutated. Selection and breeding are separate so that breeding can run where the
/// parents are sent.
/// </summary>
public static class OffspringBreeder
{
    /// <summary><paramref name="count"/> parents drawn uniformly, with replacement, from the filled cells.</summary>
    /// <exception cref="InvalidOperationException">The archive is empty.</exception>
    public static IReadOnlyList<TGenome> SelectParents<TGenome>(EliteArchive<TGenome> archive, int count, DeterministicRandom random)
    {
        ArgumentNullException.ThrowIfNull(archive);
        ArgumentNullException.ThrowIfNull(random);
        IReadOnlyList<Elite<TGenome>> elites = archive.Elites;
        if (elites.Count == 0)
        {
            throw new InvalidOperationException("parents are drawn from filled cells, and the archive is empty");
        }

        var parents = new TGenome[count];
        for (int i = 0; i < count; i++)
        {
            parents[i] = elites[random.NextInt(elites.Count)].Genome;
        }

        return parents;
    }

    /// <summary>One child per parent: pairs (0,1), (2,3), … are crossed or copied, then each child is mutated.</summary>
    /// <param name="parents">Parents in the order drawn.</param>
    /// <param name="variation">The encoding's operators.</param>
    /// <param name="random">Generator.</param>
    /// <param name="generation">Generation being bred (mutation rates may decay with it).</param>
    public static IReadOnlyList<TGenome> Breed<TGenome>(IReadOnlyList<TGenome> parents, IVariation<TGenome> variation, DeterministicRandom random, int generation)
    {
        ArgumentNullException.ThrowIfNull(random);
        return Breed(parents, variation, _ => random, generation);
    }

    /// <summary>One child per parent as above, pair p drawing from <paramref name="pairRandom"/>(p).</summary>
    /// <param name="parents">Parents in the order drawn.</param>
    /// <param name="variation">The encoding's operators.</param>
    /// <param name="pairRandom">The generator of each pair, by its position among the pairs (a lone last parent is a pair too).</param>
    /// <param name="generation">Generation being bred (mutation rates may decay with it).</param>
    public static IReadOnlyList<TGenome> Breed<TGenome>(IReadOnlyList<TGenome> parents, IVariation<TGenome> variation, Func<int, DeterministicRandom> pairRandom, int generation)
    {
        ArgumentNullException.ThrowIfNull(parents);
        ArgumentNullException.ThrowIfNull(variation);
        ArgumentNullException.ThrowIfNull(pairRandom);
        var children = new List<TGenome>(parents.Count);
        for (int i = 0; i < parents.Count; i += 2)
        {
            DeterministicRandom random = pairRandom(i / 2);
            TGenome a = parents[i];
            if (i + 1 == parents.Count)
            {
                children.Add(variation.Mutate(a, random, generation));
                break;
            }

            TGenome b = parents[i + 1];
            if (variation.CrossoverRate > 0 && random.NextBool(variation.CrossoverRate))
            {
                (a, b) = variation.Crossover(a, b, random);
            }

            children.Add(variation.Mutate(a, random, generation));
            children.Add(variation.Mutate(b, random, generation));
        }

        return children;
    }
}
