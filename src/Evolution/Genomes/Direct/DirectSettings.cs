namespace FoolingCluster.Evolution.Genomes.Direct;

/// <summary>
/// Variation settings of the direct encoding; defaults are the reference experiments'
/// (Sferes2 <c>evo_float</c> in Evolving-AI-Lab/fooling).
/// </summary>
public sealed record DirectSettings
{
    /// <summary>Per-gene mutation probability at generation 0.</summary>
    public double MutationRate { get; init; } = 0.1;

    /// <summary>The mutation probability halves every this many generations.</summary>
    public int MutationHalvingGenerations { get; init; } = 1000;

    /// <summary>Distribution index η of polynomial mutation.</summary>
    public float MutationEta { get; init; } = 15f;

    /// <summary>Probability that two parents are recombined by SBX.</summary>
    public double CrossoverRate { get; init; } = 0.5;

    /// <summary>Distribution index η of simulated binary crossover.</summary>
    public float CrossoverEta { get; init; } = 10f;

    /// <summary>The per-gene mutation probability at <paramref name="generation"/>.</summary>
    public double MutationRateAt(int generation) =>
        MutationRate * Math.Pow(0.5, Math.Max(0, generation) / Math.Max(1, MutationHalvingGenerations));
}
