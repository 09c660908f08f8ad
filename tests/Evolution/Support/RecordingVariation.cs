using FoolingCluster.Evolution.Genomes;
using FoolingCluster.Evolution.Randomness;

namespace FoolingCluster.Evolution.Tests.Support;

/// <summary>
/// Integer "genomes" whose operators record their calls: random genomes count up from 1,
/// a mutant is its parent + 1 000 000, crossover children are −a and −b.
/// </summary>
internal sealed class RecordingVariation(double crossoverRate) : IVariation<int>
{
    public const int MutationOffset = 1_000_000;

    private int _created;

    public double CrossoverRate => crossoverRate;

    public List<(int Parent, int Generation)> Mutations { get; } = [];

    public List<(int A, int B)> Crossovers { get; } = [];

    public int CreateRandom(DeterministicRandom random)
    {
        random.NextUInt64();
        return ++_created;
    }

    public int Mutate(int parent, DeterministicRandom random, int generation)
    {
        Mutations.Add((parent, generation));
        return parent + MutationOffset;
    }

    public (int First, int Second) Crossover(int a, int b, DeterministicRandom random)
    {
        Crossovers.Add((a, b));
        return (-a, -b);
    }
}
