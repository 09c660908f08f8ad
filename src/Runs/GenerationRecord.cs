using FoolingCluster.Evolution.Archive;

namespace FoolingCluster.Runs;

/// <summary>One generation of a search, as shown live and written to <c>history.csv</c>.</summary>
/// <param name="Generation">0 for the initial random population.</param>
/// <param name="Generations">The run's last generation.</param>
/// <param name="Evaluations">Evaluations made by the run so far.</param>
/// <param name="SearchSeconds">Search time so far (render, classify, archive; not report writing).</param>
/// <param name="EvaluationsPerSecond">Evaluations per second in this generation.</param>
/// <param name="Stats">Archive summary after the generation.</param>
/// <param name="CellConfidences">Elite confidence of every cell after the generation (0 if empty), <c>[K]</c>.</param>
public sealed record GenerationRecord(int Generation, int Generations, long Evaluations, double SearchSeconds, double EvaluationsPerSecond, ArchiveStats Stats, float[] CellConfidences);
