namespace FoolingCluster.Evolution.Scheduling;

/// <summary>
/// One piece of a generation to be bred and evaluated elsewhere: the parents the scheduler
/// drew and the seed of the breeder's generator, so that whoever runs it breeds exactly these
/// children.
/// </summary>
/// <typeparam name="TGenome">Genome type.</typeparam>
/// <param name="Index">Position of the job within its generation.</param>
/// <param name="Generation">Generation being bred (0: random genomes, no parents).</param>
/// <param name="Parents">One parent per child, taken in pairs; empty in generation 0.</param>
/// <param name="Children">Children to make.</param>
/// <param name="Seed">Seed of the generator that breeds them.</param>
/// <param name="FirstEvaluationId">Evaluation id of the job's first child; child i gets FirstEvaluationId + i.</param>
public sealed record JobPlan<TGenome>(int Index, int Generation, IReadOnlyList<TGenome> Parents, int Children, ulong Seed, long FirstEvaluationId);

/// <summary>What came back for one job: the children that beat some elite (all others were evaluated too).</summary>
/// <typeparam name="TGenome">Genome type.</typeparam>
/// <param name="Indices">Position of each reported child among the job's children.</param>
/// <param name="Genomes">The reported children.</param>
/// <param name="Probabilities">Their softmax outputs, <c>[N,K]</c>.</param>
/// <param name="Evaluations">Children evaluated: all of the job's.</param>
public sealed record JobOutcome<TGenome>(IReadOnlyList<int> Indices, IReadOnlyList<TGenome> Genomes, float[] Probabilities, int Evaluations);
