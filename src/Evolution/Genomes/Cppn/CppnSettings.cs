namespace FoolingCluster.Evolution.Genomes.Cppn;

/// <summary>
/// Mutation settings of the CPPN encoding (Nguyen et al. 2015 §2.2; Sferes2 <c>gen_dnn_ff</c>).
/// Structural rates are per child: each kind of structural mutation happens at most once.
/// Weight and activation rates are per connection and per node.
/// </summary>
public sealed record CppnSettings
{
    /// <summary>Probability of adding a connection between two unconnected nodes (kept acyclic).</summary>
    public double AddConnectionRate { get; init; } = 0.15;

    /// <summary>Probability of deleting a random connection.</summary>
    public double DeleteConnectionRate { get; init; } = 0.05;

    /// <summary>Probability of adding a hidden node that splits a random connection.</summary>
    public double AddNodeRate { get; init; } = 0.1;

    /// <summary>Probability of deleting a random hidden node with its connections.</summary>
    public double DeleteNodeRate { get; init; } = 0.03;

    /// <summary>Per-connection probability of a polynomial weight change.</summary>
    public double WeightMutationRate { get; init; } = 0.1;

    /// <summary>Distribution index η of the polynomial weight change.</summary>
    public float WeightEta { get; init; } = 10f;

    /// <summary>Weights live in [−WeightRange, WeightRange].</summary>
    public float WeightRange { get; init; } = 10f;

    /// <summary>Per-node probability that a hidden or output node takes another activation.</summary>
    public double ActivationChangeRate { get; init; } = 0.1;
}
