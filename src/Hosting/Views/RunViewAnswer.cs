using FoolingCluster.Coordinator.Http;
using FoolingCluster.Coordinator.Search;
using FoolingCluster.Evolution.Archive;
using FoolingCluster.Protocol.Messages;
using FoolingCluster.Runs;
using Google.Protobuf;

namespace FoolingCluster.Hosting.Views;

/// <summary>
/// The active coordinator's answer to a dashboard on another coordinator-role node: the run's
/// state now, and of its history and elites only what the asker lacks, up to a size one cluster
/// message carries, so a 1,000-cell archive of ImageNet-sized elites reaches a standby over a few
/// answers and after that only what each generation changed.
/// </summary>
internal static class RunViewAnswer
{
    /// <summary>Bytes of history rows and elite PNGs one answer carries at most (it always carries at least one, when any is due).</summary>
    public const int DefaultBudgetBytes = 4 << 20;

    /// <summary>The answer to <paramref name="query"/> from <paramref name="view"/> (null: no run is served yet).</summary>
    public static RunViewMessage To(RunViewQuery query, IRunView? view, int budgetBytes = DefaultBudgetBytes)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (view is null)
        {
            return new RunViewMessage { Serving = false };
        }

        RunSnapshot snapshot = view.Current;
        bool sameRun = string.Equals(query.RunId, snapshot.RunId, StringComparison.Ordinal);
        int historyFrom = sameRun ? Math.Clamp(query.HistoryRows, 0, snapshot.History.Count) : 0;
        (int afterGeneration, int afterCell) = sameRun ? (query.ElitesAfterGeneration, query.ElitesAfterCell) : (int.MinValue, int.MinValue);
        var answer = new RunViewMessage
        {
            Serving = true,
            RunId = snapshot.RunId,
            Encoding = snapshot.Encoding,
            Model = snapshot.Model,
            State = snapshot.State,
            Generation = snapshot.Generation,
            Generations = snapshot.Generations,
            Evaluations = snapshot.Evaluations,
            EvaluationsPerSecond = snapshot.EvaluationsPerSecond,
            Stats = Stats(snapshot.Stats),
            HistoryFrom = historyFrom,
        };
        answer.ClassNames.AddRange(snapshot.ClassNames ?? []);
        answer.Workers.AddRange(view.Workers.Select(Worker));
        foreach (EliteView elite in snapshot.Elites)
        {
            answer.EliteCells.Add(elite.Cell);
            answer.EliteGenerations.Add(elite.Generation);
        }

        long spent = 0;
        bool Fits(long bytes) => spent == 0 || spent + bytes <= budgetBytes;
        for (int i = historyFrom; i < snapshot.History.Count; i++)
        {
            string row = HistoryCsv.Row(snapshot.History[i]);
            if (!Fits(row.Length))
            {
                answer.More = true;
                return answer;
            }

            answer.HistoryRows.Add(row);
            spent += row.Length;
        }

        foreach (EliteView elite in snapshot.Elites.Where(e => (e.Generation, e.Cell).CompareTo((afterGeneration, afterCell)) > 0).OrderBy(e => e.Generation).ThenBy(e => e.Cell))
        {
            if (!Fits(elite.Png.Length))
            {
                answer.More = true;
                break;
            }

            answer.Elites.Add(new EliteViewMessage { Cell = elite.Cell, Confidence = elite.Confidence, Generation = elite.Generation, Png = ByteString.CopyFrom(elite.Png) });
            spent += elite.Png.Length;
        }

        return answer;
    }

    private static ArchiveStatsView Stats(ArchiveStats s) => new()
    {
        Cells = s.Cells,
        Filled = s.Filled,
        MinConfidence = s.MinConfidence,
        MedianConfidence = s.MedianConfidence,
        MaxConfidence = s.MaxConfidence,
        QdScore = s.QdScore,
        AtLeast99 = s.AtLeast99,
        AtLeast9999 = s.AtLeast9999,
    };

    private static WorkerStatusView Worker(WorkerStatus w) => new()
    {
        WorkerId = w.WorkerId,
        Host = w.Host,
        Threads = w.Threads,
        State = w.State,
        LastHeartbeatUnixMs = w.LastHeartbeatUtc == default ? 0 : new DateTimeOffset(DateTime.SpecifyKind(w.LastHeartbeatUtc, DateTimeKind.Utc)).ToUnixTimeMilliseconds(),
        Evaluations = w.Evaluations,
        EvaluationsPerSecond = w.EvaluationsPerSecond,
        Results = w.Results,
        Rejected = w.Rejected,
    };
}
