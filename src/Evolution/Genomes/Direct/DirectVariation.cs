using FoolingCluster.Evolution.Randomness;
using FoolingCluster.Evolution.Variation;

namespace FoolingCluster.Evolution.Genomes.Direct;

/// <summary>Uniform random genomes, polynomial mutation and SBX crossover over genes in [0,1].</summary>
public sealed class DirectVariation(ImageShape shape, DirectSettings settings) : IVariation<DirectGenome>
{
    /// <inheritdoc/>
    public double CrossoverRate => settings.CrossoverRate;

    /// <inheritdoc/>
    public DirectGenome CreateRandom(DeterministicRandom random)
    {
        var genes = new float[shape.Size];
        for (int i = 0; i < genes.Length; i++)
        {
            genes[i] = (float)random.NextDouble();
        }

        return new DirectGenome(shape, genes);
    }

    /// <inheritdoc/>
    public DirectGenome Mutate(DirectGenome parent, DeterministicRandom random, int generation)
    {
        ArgumentNullException.ThrowIfNull(parent);
        double rate = settings.MutationRateAt(generation);
        float[] genes = parent.Genes.ToArray();
        for (int i = 0; i < genes.Length; i++)
        {
            if (random.NextDouble() < rate)
            {
                genes[i] = PolynomialMutation.Mutate(genes[i], 0f, 1f, settings.MutationEta, random);
            }
        }

        return new DirectGenome(parent.Shape, genes);
    }

    /// <inheritdoc/>
    public (DirectGenome First, DirectGenome Second) Crossover(DirectGenome a, DirectGenome b, DeterministicRandom random)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var first = new float[a.Genes.Length];
        var second = new float[b.Genes.Length];
        SimulatedBinaryCrossover.Cross(a.Genes, b.Genes, first, second, 0f, 1f, settings.CrossoverEta, random);
        return (new DirectGenome(a.Shape, first), new DirectGenome(b.Shape, second));
    }
}
