using FoolingCluster.Evolution.Randomness;

namespace FoolingCluster.Evolution.Genomes;

/// <summary>
/// How an encoding makes new genomes: at random, by mutation and by crossover. Implementations
/// are pure functions of their inputs and the generator, so a worker given the same parents
/// and seed breeds the same children as the coordinator would.
/// </summary>
/// <typeparam name="TGenome">The encoding's genome type; genomes are immutable.</typeparam>
public interface IVariation<TGenome>
{
    /// <summary>Probability that a pair of parents is crossed rather than copied (0: mutation only).</summary>
    double CrossoverRate { get; }

    /// <summary>A genome of the initial random population.</summary>
    TGenome CreateRandom(DeterministicRandom random);

    /// <summary>A mutated copy of <paramref name="parent"/>; rates may depend on the generation.</summary>
    TGenome Mutate(TGenome parent, DeterministicRandom random, int generation);

    /// <summary>Two children combining <paramref name="a"/> and <paramref name="b"/>.</summary>
    (TGenome First, TGenome Second) Crossover(TGenome a, TGenome b, DeterministicRandom random);
}
