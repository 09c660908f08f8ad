namespace FoolingCluster.Evolution.Scheduling;

/// <summary>
/// One piece of a generation to be bred and evaluated elsewhere: the parents the scheduler
/// drew, the generation's seed and where the piece starts in the generation, so that whoever
/// runs it breeds exactly these children — the same children however the generation is split.
/// </summary>
/// <typeparam name="TGenome">Genome type.</typeparam>
/// <param name="Index">Position of the job within its generation.</param>
/// <param name="Generation">Generation being bred (0: random genomes, no parents).</param>
/// <param name="Parents">One parent per child, taken in pairs; empty in generation 0.</param>
/// <param name="Children">Children to make.</param>
/// <param name="Seed">The generation's seed: each pair of children (each child in generation 0) has a generator of its own drawn from it (<see cref="JobBreeder"/>).</param>
/// <param name="FirstEvaluationId">Evaluation id of the job's first child; child i gets FirstEvaluationId + i.</param>
/// <param name="FirstChild">Position of the job's first child in its generation; even after generation 0, so no pair is split between jobs.</param>
public sealed record JobPlan<TGenome>(int Index, int Generation, IReadOnlyList<TGenome> Parents, int Children, ulong Seed, long FirstEvaluationId, int FirstChild);

/// <summary>What came back for one job: the children that beat some elite (all others were evaluated too).</summary>
/// <typeparam name="TGenome">Genome type.</typeparam>
/// <param name="Indices">Position of each reported child among the job's children.</param>
/// <param name="Genomes">The reported children.</param>
/// <param name="Probabilities">Their softmax outputs, <c>[N,K]</c>.</param>
/// <param name="Evaluations">Children evaluated: all of the job's.</param>
public sealed record JobOutcome<TGenome>(IReadOnlyList<int> Indices, IReadOnlyList<TGenome> Genomes, float[] Probabilities, int Evaluations);
