using FoolingCluster.Evolution.Archive;
using FoolingCluster.Evolution.Encodings;
using FoolingCluster.Evolution.Randomness;
using FoolingCluster.Evolution.Scheduling;
using FoolingCluster.Models.Data;
using FoolingCluster.Models.Imaging;
using FoolingCluster.Protocol.Messages;
using Google.Protobuf;

namespace FoolingCluster.Evolution.Runs;

/// <summary>
/// <c>journal.bin</c>: every generation's archive changes, appended and flushed to disk as it
/// completes, between snapshots. Records are <see cref="FramedRecords"/> (length, CRC-32, then a
/// protobuf <c>JournalRecordMessage</c>). A record torn by a crash or damaged on disk ends the
/// replay, which says so; the snapshot plus the records before it give the archive as of the
/// last generation that was journaled intact.
/// </summary>
public sealed class ArchiveJournal : IDisposable
{
    /// <summary>Largest record accepted when replaying (a generation of large elites is far smaller).</summary>
    private const int MaxRecordBytes = 64 << 20;

    private readonly FileStream _stream;

    private ArchiveJournal(FileStream stream) => _stream = stream;

    /// <summary>Opens the journal at <paramref name="path"/> for appending.</summary>
    public static ArchiveJournal Open(string path)
    {
        // Not FileMode.Append: an appending stream may not be truncated by Clear.
        var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read);
        stream.Seek(0, SeekOrigin.End);
        return new ArchiveJournal(stream);
    }

    /// <summary>Appends the generation that just completed and flushes it to disk.</summary>
    /// <param name="changed">Elites that entered their cell in that generation.</param>
    public void Append<TGenome>(string runId, IEncoding<TGenome> encoding, Scheduler<TGenome> scheduler, IEnumerable<Elite<TGenome>> changed, double searchSeconds)
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
        FramedRecords.Write(_stream, record.ToByteArray());
        _stream.Flush(flushToDisk: true);
    }

    /// <summary>Empties the journal (its records are now in a snapshot).</summary>
    public void Clear()
    {
        _stream.SetLength(0);
        _stream.Seek(0, SeekOrigin.Begin);
        _stream.Flush(flushToDisk: true);
    }

    /// <inheritdoc/>
    public void Dispose() => _stream.Dispose();

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

    private static RestoredSearch<TGenome> Apply<TGenome>(RestoredSearch<TGenome> current, JournalRecordMessage record, IEncoding<TGenome> encoding, string path)
    {
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
