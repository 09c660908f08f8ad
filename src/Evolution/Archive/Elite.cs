namespace FoolingCluster.Evolution.Archive;

/// <summary>The best genome found so far for one cell (class).</summary>
/// <typeparam name="TGenome">Genome type.</typeparam>
/// <param name="Cell">Class index.</param>
/// <param name="Genome">The genome.</param>
/// <param name="Confidence">Its probability for <paramref name="Cell"/>'s class: the cell's fitness.</param>
/// <param name="Probabilities">Its whole softmax vector, <c>[K]</c>.</param>
/// <param name="Generation">Generation that produced it (0: the initial random population).</param>
/// <param name="Id">Index of the evaluation that produced it, counting from 0 over the run.</param>
public sealed record Elite<TGenome>(int Cell, TGenome Genome, float Confidence, float[] Probabilities, int Generation, long Id);
