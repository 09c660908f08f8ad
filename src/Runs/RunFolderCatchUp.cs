using FoolingCluster.Evolution.Genomes;
using FoolingCluster.Protocol.Messages;
using FoolingCluster.Runs.Codecs;
using FoolingCluster.Runs.Reporting;

namespace FoolingCluster.Runs;

/// <summary>
/// Brings a run folder up to its journal: the history rows and found images of merged
/// generations that the folder lacks (a standby coordinator's copy of the folder, made when the
/// run started, on a machine that shares only the journal with the active coordinator).
/// </summary>
internal static class RunFolderCatchUp
{
    /// <summary>
    /// Appends to <c>history.csv</c>, whose rows end before generation <paramref name="next"/>, the
    /// journaled rows from there up to the generation before <paramref name="nextGeneration"/>;
    /// rows the journal no longer holds (dropped once a snapshot covered them) cannot be rebuilt,
    /// which <paramref name="warn"/> is told.
    /// </summary>
    public static void History(string path, IReadOnlyList<JournalRecordMessage> journaled, int next, int nextGeneration, int cells, ClassLabels labels, int generations, Action<string>? warn)
    {
        var missing = journaled
            .Where(record => record.HistoryRow.Length > 0)
            .Select(record => HistoryCsv.ParseRow(record.HistoryRow, cells, generations))
            .OfType<GenerationRecord>()
            .Where(row => row.Generation >= next && row.Generation < nextGeneration)
            .OrderBy(row => row.Generation)
            .ToList();
        if (missing.Count == 0)
        {
            return;
        }

        if (missing[0].Generation != next)
        {
            warn?.Invoke($"{path} ends before generation {next} and the journal holds rows only from generation {missing[0].Generation}: the rows between are lost, the archive is not");
        }

        HistoryCsv.Append(path, missing, cells, labels);
        warn?.Invoke($"{path}: {missing.Count} generation rows rebuilt from the run's journal");
    }

    /// <summary>Appends to <paramref name="found"/> the journaled images it does not hold, in the journal's order.</summary>
    public static void Found(FoundImageLog found, IReadOnlyList<JournalRecordMessage> journaled, ImageShape shape)
    {
        foreach (JournalRecordMessage record in journaled)
        {
            foreach (RecordedImageMessage message in record.Found)
            {
                if (FoundImageCodec.FromMessage(message, record.NextGeneration - 1, shape) is FoundImage image)
                {
                    found.Add(image);
                }
            }
        }

        found.Flush();
    }
}
