using FoolingCluster.Runs;

namespace FoolingCluster.Defense.Retraining;

/// <summary>
/// Runs one fooling-image search into a folder, as <c>fooling run</c> does: in-process, or on the
/// cluster's workers when one runs. The folder is then read as a <see cref="SavedRun"/>.
/// </summary>
public interface IFoolingSearch
{
    /// <summary>Runs the search to its end.</summary>
    /// <param name="config">The search, with <see cref="EvolutionConfig.Model"/> naming the network to fool.</param>
    /// <param name="folder">An empty folder for the run's files.</param>
    /// <param name="cancel">Stops the search; the loop then stops too.</param>
    /// <returns>Whether it ran to its last generation.</returns>
    bool Run(EvolutionConfig config, string folder, CancellationToken cancel);
}
