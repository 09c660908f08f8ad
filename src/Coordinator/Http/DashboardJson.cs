using System.Text.Json;
using System.Text.Json.Serialization;
using FoolingCluster.Coordinator.Search;
using FoolingCluster.Evolution.Archive;
using FoolingCluster.Runs;
using FoolingCluster.Runs.Reporting;

namespace FoolingCluster.Coordinator.Http;

/// <summary>The archive as <c>GET /api/archive</c> and the <c>archive</c> server-sent event carry it.</summary>
/// <param name="RunId">Run id.</param>
/// <param name="Encoding">"cppn" or "direct".</param>
/// <param name="Model">Target model description.</param>
/// <param name="State">"running", "paused", "stopped" or "finished".</param>
/// <param name="Generation">Last completed generation (−1 before the first).</param>
/// <param name="Generations">Configured last generation.</param>
/// <param name="Evaluations">Evaluations so far.</param>
/// <param name="EvaluationsPerSecond">Rate of the last generation.</param>
/// <param name="Stats">Archive summary.</param>
/// <param name="Elites">One entry per filled cell, in cell order.</param>
/// <param name="ClassNames">The model's class names in cell order; null when it does not name them, and in a partial document.</param>
/// <param name="Partial">
/// True in a live update that carries only the cells whose elite changed since the stream's
/// previous <c>archive</c> event (the reader keeps the others); false when every filled cell is listed.
/// </param>
/// <param name="ShownBy">What node shows a run another node runs (a standby coordinator); null on the node that runs it.</param>
public sealed record ArchiveJson(string RunId, string Encoding, string Model, string State, int Generation, int Generations, long Evaluations, double EvaluationsPerSecond, ArchiveStats Stats, IReadOnlyList<EliteJson> Elites, IReadOnlyList<string>? ClassNames = null, bool Partial = false, string? ShownBy = null);

/// <summary>One filled cell.</summary>
/// <param name="Cell">Cell index.</param>
/// <param name="Class">Class the elite fools the model into (the cell's class).</param>
/// <param name="Confidence">The model's probability of that class.</param>
/// <param name="Generation">Generation that produced the elite.</param>
/// <param name="Png">Where its image is: <c>/api/elites/{cell}.png</c>.</param>
/// <param name="Name">The class's name; null when the model does not name its classes.</param>
/// <param name="Label">How pages show the cell: "1 goldfish", or "1" without names.</param>
public sealed record EliteJson(int Cell, int Class, float Confidence, int Generation, string Png, string? Name = null, string? Label = null);

/// <summary>One generation as <c>GET /api/history</c> lists it.</summary>
/// <param name="Generation">Generation.</param>
/// <param name="Evaluations">Evaluations up to and including it.</param>
/// <param name="Seconds">Search seconds up to and including it.</param>
/// <param name="EvaluationsPerSecond">Its rate.</param>
/// <param name="Min">Lowest elite confidence after it.</param>
/// <param name="Median">Median elite confidence.</param>
/// <param name="Max">Highest elite confidence.</param>
/// <param name="Cells">Elite confidence per cell (0 where empty), <c>[cells]</c>; null when one cell or none was asked for.</param>
/// <param name="Confidence">The asked cell's elite confidence (0 while empty); null unless one cell was asked for.</param>
public sealed record HistoryJson(int Generation, long Evaluations, double Seconds, double EvaluationsPerSecond, float Min, float Median, float Max, float[]? Cells, float? Confidence = null);

/// <summary>Which cells' confidences <c>GET /api/history</c> lists per generation.</summary>
public abstract record HistoryCells
{
    /// <summary>Every cell (<c>cells</c>, the default).</summary>
    public static HistoryCells All { get; } = new AllCells();

    /// <summary>None: only the summary of each generation (<c>?cell=none</c>).</summary>
    public static HistoryCells None { get; } = new NoCells();

    /// <summary>One cell (<c>?cell=C</c>), as <c>confidence</c>.</summary>
    public sealed record One(int Cell) : HistoryCells;

    private sealed record AllCells : HistoryCells;

    private sealed record NoCells : HistoryCells;
}

/// <summary>One worker as <c>GET /api/workers</c> lists it.</summary>
/// <param name="Id">Worker id.</param>
/// <param name="Host">Machine it runs on.</param>
/// <param name="Threads">Kernel threads it uses.</param>
/// <param name="State">"idle", "working" or "paused" as of its last heartbeat ("unknown" before one).</param>
/// <param name="LastHeartbeatSeconds">Seconds since its last heartbeat; null before the first.</param>
/// <param name="Evaluations">Evaluations in its accepted results.</param>
/// <param name="EvaluationsPerSecond">Its own rate, from its last heartbeat.</param>
/// <param name="Results">Results accepted from it.</param>
/// <param name="Rejected">Messages from it that failed the checks.</param>
public sealed record WorkerJson(string Id, string Host, int Threads, string State, double? LastHeartbeatSeconds, long Evaluations, double EvaluationsPerSecond, int Results, int Rejected);

/// <summary>The JSON documents of the HTTP API, built from a <see cref="RunSnapshot"/>.</summary>
public static class DashboardJson
{
    /// <summary>camelCase names; a non-finite number is written as a string rather than failing the response.</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Where the image of <paramref name="cell"/>'s elite is served.</summary>
    public static string ElitePath(int cell) => $"/api/elites/{cell}.png";

    /// <summary>Where a thumbnail of <paramref name="cell"/>'s elite of <paramref name="generation"/> is served; the generation makes a replaced elite a new URL.</summary>
    public static string ThumbnailPath(int cell, int generation, int size) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{ElitePath(cell)}?size={size}&g={generation}");

    /// <summary>
    /// A live update after <paramref name="previous"/>: the whole document of
    /// <paramref name="current"/> but with only the cells whose elite changed (new, or replaced:
    /// another generation or confidence), marked <see cref="ArchiveJson.Partial"/>. With no
    /// previous document it is the full archive.
    /// </summary>
    public static ArchiveJson Changes(RunSnapshot? previous, RunSnapshot current)
    {
        ArgumentNullException.ThrowIfNull(current);
        if (previous is null)
        {
            return Archive(current);
        }

        Dictionary<int, EliteView> sent = previous.Elites.ToDictionary(e => e.Cell);
        EliteView[] changed = [.. current.Elites.Where(e => !(sent.TryGetValue(e.Cell, out EliteView? old) && old.Generation == e.Generation && old.Confidence.Equals(e.Confidence)))];
        return Archive(current with { Elites = changed }) with { ClassNames = null, Partial = true };
    }

    /// <summary>The archive document.</summary>
    public static ArchiveJson Archive(RunSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var labels = new ClassLabels(snapshot.ClassNames);
        return new ArchiveJson(
            snapshot.RunId,
            snapshot.Encoding,
            snapshot.Model,
            snapshot.State,
            snapshot.Generation,
            snapshot.Generations,
            snapshot.Evaluations,
            snapshot.EvaluationsPerSecond,
            snapshot.Stats,
            [.. snapshot.Elites.Select(e => new EliteJson(e.Cell, e.Cell, e.Confidence, e.Generation, ElitePath(e.Cell), labels.Name(e.Cell), labels.Label(e.Cell)))],
            snapshot.ClassNames,
            ShownBy: snapshot.ShownBy);
    }

    /// <summary>The generations after <paramref name="since"/> (all of them when null), with the confidences of <paramref name="cells"/> (every cell when null).</summary>
    public static IReadOnlyList<HistoryJson> History(RunSnapshot snapshot, int? since, HistoryCells? cells = null)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        cells ??= HistoryCells.All;
        return [.. snapshot.History
            .Where(r => since is not int s || r.Generation > s)
            .Select(r => new HistoryJson(
                r.Generation,
                r.Evaluations,
                r.SearchSeconds,
                r.EvaluationsPerSecond,
                r.Stats.MinConfidence,
                r.Stats.MedianConfidence,
                r.Stats.MaxConfidence,
                ReferenceEquals(cells, HistoryCells.All) ? r.CellConfidences : null,
                cells is HistoryCells.One one ? (one.Cell < r.CellConfidences.Length ? r.CellConfidences[one.Cell] : 0f) : null))];
    }

    /// <summary>The workers, with heartbeat ages as of <paramref name="nowUtc"/>.</summary>
    public static IReadOnlyList<WorkerJson> Workers(IReadOnlyList<WorkerStatus> workers, DateTime nowUtc)
    {
        ArgumentNullException.ThrowIfNull(workers);
        return [.. workers.Select(w => new WorkerJson(w.WorkerId, w.Host, w.Threads, w.State, HeartbeatAge(w, nowUtc), w.Evaluations, w.EvaluationsPerSecond, w.Results, w.Rejected))];
    }

    /// <summary>Seconds since the worker's last heartbeat; null if none has arrived.</summary>
    public static double? HeartbeatAge(WorkerStatus worker, DateTime nowUtc)
    {
        ArgumentNullException.ThrowIfNull(worker);
        return worker.LastHeartbeatUtc == DateTime.MinValue ? null : Math.Max(0, (nowUtc - worker.LastHeartbeatUtc).TotalSeconds);
    }

    /// <summary>Serialises <paramref name="value"/> on one line (as a server-sent event's data must be).</summary>
    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);
}
