namespace FoolingCluster.Evolution.Evaluation;

/// <summary>A rendered and classified batch.</summary>
/// <param name="Count">N.</param>
/// <param name="Images">The 8-bit-exact images that were classified, <c>[N,C,H,W]</c> in [0,1].</param>
/// <param name="Probabilities">Softmax outputs, <c>[N,K]</c>.</param>
/// <param name="RenderSeconds">Time spent decoding genomes.</param>
/// <param name="ClassifySeconds">Time spent in the classifier.</param>
public sealed record EvaluatedBatch(int Count, float[] Images, float[] Probabilities, double RenderSeconds, double ClassifySeconds);
