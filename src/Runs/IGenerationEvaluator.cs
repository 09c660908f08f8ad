using FoolingCluster.Evolution.Scheduling;

namespace FoolingCluster.Runs;

/// <summary>What one generation cost and found.</summary>
/// <param name="Evaluations">Images evaluated.</param>
/// <param name="Found">Images whose top probability reached the record threshold.</param>
public sealed record GenerationResult(int Evaluations, IReadOnlyList<FoundImage> Found);

/// <summary>
/// Runs one generation of a scheduler to completion: in this process
/// (<see cref="LocalGenerationEvaluator{TGenome}"/>) or as jobs on workers (the coordinator's).
/// </summary>
/// <typeparam name="TGenome">Genome type.</typeparam>
public interface IGenerationEvaluator<TGenome>
{
    /// <summary>Asks, evaluates and tells one generation.</summary>
    /// <param name="scheduler">The search's scheduler, with no ask pending.</param>
    /// <param name="recordThreshold">Report images whose top probability reaches this.</param>
    /// <param name="cancel">Abandons the generation (the scheduler keeps its pending ask).</param>
    GenerationResult RunGeneration(Scheduler<TGenome> scheduler, float recordThreshold, CancellationToken cancel);
}
