using FoolingCluster.Evolution.Archive;
using FoolingCluster.Evolution.Encodings;
using FoolingCluster.Evolution.Randomness;
using FoolingCluster.Evolution.Scheduling;
using FoolingCluster.Models.Data;
using FoolingCluster.Models.Imaging;
using FoolingCluster.Protocol.Messages;
using Google.Protobuf;

namespace FoolingCluster.Runs;

/// <summary>
/// A generation's archive changes as a journal record (what a run's store keeps after every
/// merged generation), applying such records to a restored search, and reading the
/// <c>journal.bin</c> that run folders written before the store kept them: framed records
/// (<see cref="FramedRecords"/>: length, CRC-32, then a protobuf <c>JournalRecordMessage</c>).
/// A record torn by a crash or damaged on disk ends the replay, which says so.
/// </summary>
public static class ArchiveJournal
{
    /// <summary>Largest record accepted when replaying (a generation of large elites is far smaller).</summary>
    private const int MaxRecordBytes = 64 << 20;

    /// <summary>The record of the generation that just completed.</summary>
    /// <param name="changed">Elites that entered their cell in that generation.</param>
    public static JournalRecordMessage Record<TGenome>(string runId, IEncoding<TGenome> encoding, Scheduler<TGenome> scheduler, IEnumerable<Elite<TGenome>> changed, double searchSeconds)
    {
        ArgumentNullException.ThrowIfNull(encoding);
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentNullException.ThrowIfNull(changed);
        var record = new JournalRecordMessage
        {
            RunId = runId,
            NextGeneration = scheduler.NextGeneration,
            Evaluations = scheduler.Archive.Evaluations,
            SearchSeconds = searchSeconds,
        };
        record.RandomState.AddRange(scheduler.Random.State);
        record.Changed.AddRange(changed.Select(e => ArchiveSnapshot.ToMessage(e, encoding)));
        return record;
    }

    /// <summary>
    /// Applies the records of the journal at <paramref name="path"/> that come after
    /// <paramref name="restored"/>'s generation, and cuts off a torn or damaged tail after
    /// telling <paramref name="warn"/> which record it starts at and how many were kept.
    /// </summary>
    /// <returns>The search state after the last intact record, and how many records were applied.</returns>
    /// <exception cref="DataFormatException">An intact record belongs to another run or holds invalid elites.</exception>
    public static (RestoredSearch<TGenome> Search, int Applied) Replay<TGenome>(string path, RestoredSearch<TGenome> restored, IEncoding<TGenome> encoding, Action<string>? warn = null)
    {
        ArgumentNullException.ThrowIfNull(restored);
        if (!File.Exists(path))
        {
            return (restored, 0);
        }

        int applied = 0;
        RecordDamage? damage;
        long intact;
        RestoredSearch<TGenome> current = restored;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        {
            var reader = new FramedRecordReader(stream, path, start: 0, minPayload: 1, MaxRecordBytes);
            while (reader.Next() is byte[] payload)
            {
                JournalRecordMessage record;
                try
                {
                    record = JournalRecordMessage.Parser.ParseFrom(payload);
                }
                catch (InvalidProtocolBufferException ex)
                {
                    reader.Reject($"not a journal record: {ex.Message}");
                    break;
                }

                if (record.NextGeneration <= current.NextGeneration)
                {
                    continue;
                }

                current = Apply(current, record, encoding, path);
                applied++;
            }

            damage = reader.Damage;
            intact = reader.IntactLength;
        }

        if (damage is not null)
        {
            warn?.Invoke(damage.Torn
                ? $"{damage}; resuming after generation {current.NextGeneration - 1}"
                : $"{damage}; the generations in the dropped records are lost, so the search resumes after generation {current.NextGeneration - 1}");
            using var truncate = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
            truncate.SetLength(intact);
        }

        return (current, applied);
    }

    /// <summary>The search after <paramref name="record"/>'s generation; <paramref name="path"/> names the record's source in errors.</summary>
    /// <exception cref="DataFormatException">The record belongs to another run or holds invalid elites.</exception>
    public static RestoredSearch<TGenome> Apply<TGenome>(RestoredSearch<TGenome> current, JournalRecordMessage record, IEncoding<TGenome> encoding, string path)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(record);
        if (record.RunId != current.RunId || record.RandomState.Count != 4 || record.Evaluations < current.Archive.Evaluations)
        {
            throw new DataFormatException(path, $"a record for generation {record.NextGeneration - 1} does not continue run '{current.RunId}'");
        }

        EliteArchive<TGenome> archive = current.Archive;
        var elites = Enumerable.Range(0, archive.Cells).Select(c => archive[c]).Where(e => e is not null).ToDictionary(e => e!.Cell, e => e!);
        foreach (EliteMessage message in record.Changed)
        {
            Elite<TGenome> elite = ArchiveSnapshot.FromMessage(message, encoding, archive.Cells, path);
            elites[elite.Cell] = elite;
        }

        var next = new EliteArchive<TGenome>(archive.Cells);
        next.Restore(elites.Values, record.Evaluations);
        return current with
        {
            Archive = next,
            Random = new DeterministicRandom([.. record.RandomState]),
            NextGeneration = record.NextGeneration,
            SearchSeconds = record.SearchSeconds,
        };
    }
}
