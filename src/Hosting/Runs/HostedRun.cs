using FoolingCluster.Runs;
using FoolingCluster.Runs.Reporting;

namespace FoolingCluster.Hosting.Runs;

/// <summary>The run a search host serves: its folder, and what the dashboard and the logs say of it.</summary>
/// <param name="Id">The run's id (its folder's name).</param>
/// <param name="Folder">The run folder.</param>
/// <param name="Config">The search's configuration.</param>
/// <param name="Encoding">The genome encoding's name.</param>
/// <param name="Description">The target model, in words.</param>
/// <param name="Classes">The target's classes: the archive's cells.</param>
/// <param name="Labels">The classes' names.</param>
public sealed record HostedRun(string Id, string Folder, EvolutionConfig Config, string Encoding, string Description, int Classes, ClassLabels Labels);

/// <summary>Where a search host's lines go, by level.</summary>
/// <param name="Information">Progress and addresses.</param>
/// <param name="Warning">Refused results, takeovers, stops.</param>
public sealed record HostLog(Action<string> Information, Action<string> Warning);

/// <summary>How a hosted search ended.</summary>
public enum HostedEnd
{
    /// <summary>It ran to its last generation.</summary>
    Finished,

    /// <summary>It was stopped (a signal, the dashboard) after it started; what it merged is saved.</summary>
    Stopped,

    /// <summary>A standby coordinator was stopped before it took the run over; the run was not touched.</summary>
    StoppedWhileStandingBy,

    /// <summary>A standby took over a run the active coordinator had stopped on purpose; it stays stopped.</summary>
    StoppedByTheActiveCoordinator,
}

/// <summary>A hosted search's end, and the archive it left where it ran.</summary>
/// <typeparam name="TGenome">Genome type.</typeparam>
/// <param name="End">How it ended.</param>
/// <param name="Outcome">The search's outcome; null if it never ran.</param>
/// <param name="Archive">The archive as it ended; null if the search never ran.</param>
/// <param name="Found">Distinct images recorded above the threshold.</param>
public sealed record HostedSearch<TGenome>(HostedEnd End, SearchOutcome? Outcome, Evolution.Archive.EliteArchive<TGenome>? Archive, int Found);
