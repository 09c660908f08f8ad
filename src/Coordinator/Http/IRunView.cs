using FoolingCluster.Coordinator.Search;
using FoolingCluster.Evolution.Archive;
using FoolingCluster.Runs;

namespace FoolingCluster.Coordinator.Http;

/// <summary>One filled cell as the dashboard shows it.</summary>
/// <param name="Cell">Class index.</param>
/// <param name="Confidence">The elite's probability of its class.</param>
/// <param name="Generation">Generation that produced it.</param>
/// <param name="Png">The elite as an 8-bit PNG (exactly the classified image).</param>
public sealed record EliteView(int Cell, float Confidence, int Generation, byte[] Png);

/// <summary>The state of a run after its latest generation; immutable, safe to share between threads.</summary>
/// <param name="RunId">Run id.</param>
/// <param name="Encoding">"cppn" or "direct".</param>
/// <param name="Model">Target model description.</param>
/// <param name="State">"running", "paused", "stopped" or "finished".</param>
/// <param name="Generation">Last completed generation (−1 before the first).</param>
/// <param name="Generations">Configured last generation.</param>
/// <param name="Evaluations">Evaluations so far.</param>
/// <param name="EvaluationsPerSecond">Rate of the last generation.</param>
/// <param name="Stats">Archive summary.</param>
/// <param name="Elites">Filled cells in cell order.</param>
/// <param name="History">Every generation's record so far.</param>
public sealed record RunSnapshot(string RunId, string Encoding, string Model, string State, int Generation, int Generations, long Evaluations, double EvaluationsPerSecond, ArchiveStats Stats, IReadOnlyList<EliteView> Elites, IReadOnlyList<GenerationRecord> History)
{
    /// <summary>The target model's class names in cell order; null when it does not name them.</summary>
    public IReadOnlyList<string>? ClassNames { get; init; }

    /// <summary>
    /// Set when the dashboard shows a run that another node runs: what this node is (a standby
    /// coordinator), so the page says it; null on the node that runs it.
    /// </summary>
    public string? ShownBy { get; init; }
}

/// <summary>
/// What the coordinator's HTTP API and dashboard read and command: the latest snapshot of the
/// run, the workers, the target model for download, control, and export.
/// </summary>
public interface IRunView
{
    /// <summary>The latest snapshot; replaced after every generation.</summary>
    RunSnapshot Current { get; }

    /// <summary>Completes with the next snapshot (for server-sent events).</summary>
    Task<RunSnapshot> NextAsync(CancellationToken cancel);

    /// <summary>Workers seen, with their last heartbeat and counts.</summary>
    IReadOnlyList<WorkerStatus> Workers { get; }

    /// <summary>The target model's weights file and its sha256 (workers fetch it by hash).</summary>
    (string WeightsPath, string SidecarPath, string Sha256) Model { get; }

    /// <summary>Holds the search after its current generation.</summary>
    void Pause();

    /// <summary>Lets a paused search go on.</summary>
    void Resume();

    /// <summary>Ends the search after its current generation, keeping everything.</summary>
    void Stop();

    /// <summary>Writes the elites (and recorded images at or above <paramref name="allAbove"/>) as a retraining dataset; returns the folder.</summary>
    string Export(string name, float? allAbove);
}

/// <summary>The dashboard's buttons, by the names its HTTP API and the cluster's messages give them.</summary>
public static class RunControls
{
    /// <summary>The names, for messages that list them.</summary>
    public const string Names = "pause, resume, stop";

    /// <summary>What the button <paramref name="action"/> does to <paramref name="view"/>; null for a name that is none.</summary>
    public static Action? Of(IRunView view, string action)
    {
        ArgumentNullException.ThrowIfNull(view);
        return action switch
        {
            "pause" => view.Pause,
            "resume" => view.Resume,
            "stop" => view.Stop,
            _ => null,
        };
    }
}
