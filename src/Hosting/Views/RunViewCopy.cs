using FoolingCluster.Coordinator.Http;
using FoolingCluster.Coordinator.Search;
using FoolingCluster.Evolution.Archive;
using FoolingCluster.Protocol.Messages;
using FoolingCluster.Runs;

namespace FoolingCluster.Hosting.Views;

/// <summary>
/// A dashboard's copy of a run served by another node, built up from <see cref="RunViewMessage"/>
/// answers. Each answer is checked before it changes anything: it comes over the network, and a
/// malformed one leaves the copy as it was. Not thread-safe: one poller applies answers.
/// </summary>
internal sealed class RunViewCopy
{
    /// <summary>Most cells a served run may have (an ImageNet archive has 1,000).</summary>
    public const int MaxCells = 100_000;

    private static readonly string[] States = ["running", "paused", "stopped", "finished"];
    private readonly Dictionary<int, EliteView> _elites = [];
    private readonly List<GenerationRecord> _history = [];
    private string? _runId;
    private (int Generation, int Cell) _cursor = (int.MinValue, int.MinValue);

    /// <summary>The query that asks for what this copy lacks.</summary>
    public RunViewQuery Query() => new()
    {
        RunId = _runId ?? "",
        HistoryRows = _history.Count,
        ElitesAfterGeneration = _cursor.Generation,
        ElitesAfterCell = _cursor.Cell,
    };

    /// <summary>
    /// Applies <paramref name="answer"/> and returns the run as it now stands; null when the answer
    /// serves no run. Throws <see cref="InvalidDataException"/>, changing nothing, when it is malformed.
    /// </summary>
    public RunSnapshot? Apply(RunViewMessage answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        if (!answer.Serving)
        {
            return null;
        }

        ArchiveStatsView stats = answer.Stats ?? throw new InvalidDataException("the answer has no archive summary");
        int cells = stats.Cells;
        Check(cells is > 0 and <= MaxCells, $"{cells} cells");
        Check(States.Contains(answer.State), $"state '{answer.State}'");
        Check(answer.ClassNames.Count is 0 || answer.ClassNames.Count == cells, $"{answer.ClassNames.Count} class names for {cells} cells");
        Check(answer.EliteCells.Count == answer.EliteGenerations.Count && answer.EliteCells.Count <= cells, "the filled cells and their generations differ in number");
        Check(answer.EliteCells.All(c => c >= 0 && c < cells) && answer.EliteCells.Distinct().Count() == answer.EliteCells.Count, "a filled cell out of range or repeated");
        Check(answer.Elites.All(e => e.Cell >= 0 && e.Cell < cells && e.Png.Length > 0), "an elite outside the archive or without an image");

        bool sameRun = string.Equals(_runId, answer.RunId, StringComparison.Ordinal);
        int held = sameRun ? _history.Count : 0;
        Check(answer.HistoryFrom >= 0 && answer.HistoryFrom <= held, $"history from row {answer.HistoryFrom}, {held} held");
        var rows = new List<GenerationRecord>(answer.HistoryRows.Count);
        foreach (string row in answer.HistoryRows)
        {
            rows.Add(HistoryCsv.ParseRow(row, cells, answer.Generations) ?? throw new InvalidDataException($"a history row that is not one of {cells} cells: {Shorten(row)}"));
        }

        if (!sameRun)
        {
            _runId = answer.RunId;
            _history.Clear();
            _elites.Clear();
            _cursor = (int.MinValue, int.MinValue);
        }

        _history.RemoveRange(answer.HistoryFrom, _history.Count - answer.HistoryFrom);
        _history.AddRange(rows);
        foreach (EliteViewMessage e in answer.Elites)
        {
            _elites[e.Cell] = new EliteView(e.Cell, e.Confidence, e.Generation, e.Png.ToByteArray());
            _cursor = (e.Generation, e.Cell);
        }

        // Cells whose newer elite has not come yet keep showing the one held.
        EliteView[] elites = [.. answer.EliteCells.Where(_elites.ContainsKey).Select(c => _elites[c])];
        return new RunSnapshot(
            answer.RunId,
            answer.Encoding,
            answer.Model,
            answer.State,
            answer.Generation,
            answer.Generations,
            answer.Evaluations,
            answer.EvaluationsPerSecond,
            new ArchiveStats(cells, stats.Filled, stats.MinConfidence, stats.MedianConfidence, stats.MaxConfidence, stats.QdScore, stats.AtLeast99, stats.AtLeast9999),
            elites,
            [.. _history])
        {
            ClassNames = answer.ClassNames.Count == 0 ? null : [.. answer.ClassNames],
        };
    }

    /// <summary>The workers in <paramref name="answer"/>, as the serving node sees them.</summary>
    public static IReadOnlyList<WorkerStatus> Workers(RunViewMessage answer) =>
        [.. answer.Workers.Select(w => new WorkerStatus(
            w.WorkerId,
            w.Host,
            w.Threads,
            w.State,
            w.LastHeartbeatUnixMs <= 0 ? DateTime.MinValue : DateTimeOffset.FromUnixTimeMilliseconds(Math.Min(w.LastHeartbeatUnixMs, DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())).UtcDateTime,
            w.Evaluations,
            w.EvaluationsPerSecond,
            w.Results,
            w.Rejected))];

    private static void Check(bool ok, string what)
    {
        if (!ok)
        {
            throw new InvalidDataException($"malformed run view: {what}");
        }
    }

    private static string Shorten(string row) => row.Length <= 80 ? row : row[..80] + "…";
}
