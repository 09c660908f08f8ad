using System.Globalization;
using FoolingCluster.Evolution.Archive;
using FoolingCluster.Evolution.Encodings;
using FoolingCluster.Evolution.Evaluation;
using FoolingCluster.Evolution.Genomes;
using FoolingCluster.Evolution.Genomes.Direct;
using FoolingCluster.Evolution.Randomness;
using FoolingCluster.Evolution.Scheduling;
using FoolingCluster.Evolution.Tests.Support;
using FoolingCluster.Models.Data;
using FoolingCluster.Runs;
using FoolingCluster.Tests.Shared;
using Google.Protobuf;
using Xunit;

namespace FoolingCluster.Evolution.Tests.Runs;

public sealed class ArchiveJournalTests : IDisposable
{
    private const int Classes = 5;
    private static readonly ImageShape s_shape = new(1, 5, 5);
    private readonly TempDirectory _dir = new();
    private readonly DirectEncoding _direct = new(s_shape, new DirectSettings { MutationRate = 0.3 });
    private readonly Evaluator<DirectGenome> _evaluator;

    public ArchiveJournalTests() => _evaluator = new Evaluator<DirectGenome>(_direct.Decoder, new MeanClassifier(s_shape, Classes));

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Snapshot_plus_journal_gives_the_archive_and_generator_after_the_last_journaled_generation()
    {
        (Scheduler<DirectGenome> live, string snapshot, string journal) = RunWithJournal(snapshotAfter: 2, generations: 7);
        RestoredSearch<DirectGenome> fromSnapshot = ArchiveSnapshot.Load(snapshot, _direct, Classes);
        Assert.Equal(2, fromSnapshot.NextGeneration);

        (RestoredSearch<DirectGenome> replayed, int applied) = ArchiveJournal.Replay(journal, fromSnapshot, _direct);

        Assert.Equal(5, applied);
        AssertSame(live, replayed);
    }

    [Fact]
    public void A_torn_last_record_is_cut_off_and_the_earlier_records_still_apply()
    {
        (_, string snapshot, string journal) = RunWithJournal(snapshotAfter: 1, generations: 5);
        long full = new FileInfo(journal).Length;
        using (var stream = new FileStream(journal, FileMode.Open))
        {
            stream.SetLength(full - 7);
        }

        var warnings = new List<string>();
        (RestoredSearch<DirectGenome> replayed, int applied) = ArchiveJournal.Replay(journal, ArchiveSnapshot.Load(snapshot, _direct, Classes), _direct, warnings.Add);

        Assert.Equal(3, applied);
        Assert.Equal(4, replayed.NextGeneration);
        Assert.True(new FileInfo(journal).Length < full - 7, "the torn record was not cut off");
        string warning = Assert.Single(warnings);
        Assert.Contains($"{journal}: record 4 at byte {new FileInfo(journal).Length.ToString("N0", CultureInfo.InvariantCulture)} is incomplete", warning, StringComparison.Ordinal);
        Assert.Contains("resuming after generation 3", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void A_record_with_a_flipped_byte_ends_the_replay_at_the_record_before()
    {
        (_, string snapshot, string journal) = RunWithJournal(snapshotAfter: 0, generations: 4);
        byte[] bytes = File.ReadAllBytes(journal);
        bytes[^3] ^= 0x40;
        File.WriteAllBytes(journal, bytes);

        var empty = new RestoredSearch<DirectGenome>("run", new EliteArchive<DirectGenome>(Classes), new DeterministicRandom(1), 0, 0);
        (RestoredSearch<DirectGenome> replayed, int applied) = ArchiveJournal.Replay(journal, empty, _direct);

        Assert.Equal(3, applied);
        Assert.Equal(3, replayed.NextGeneration);
    }

    [Fact]
    public void A_damaged_middle_record_is_reported_with_the_records_kept_and_cut_off_with_everything_after_it()
    {
        (_, _, string journal) = RunWithJournal(snapshotAfter: 0, generations: 4);
        byte[] bytes = File.ReadAllBytes(journal);
        int second = FramedRecords.HeaderBytes + (int)BitConverter.ToUInt32(bytes, 0);
        bytes[second + FramedRecords.HeaderBytes + 3] ^= 0x40;
        File.WriteAllBytes(journal, bytes);
        var warnings = new List<string>();

        var empty = new RestoredSearch<DirectGenome>("run", new EliteArchive<DirectGenome>(Classes), new DeterministicRandom(1), 0, 0);
        (RestoredSearch<DirectGenome> replayed, int applied) = ArchiveJournal.Replay(journal, empty, _direct, warnings.Add);

        Assert.Equal(1, applied);
        Assert.Equal(1, replayed.NextGeneration);
        string warning = Assert.Single(warnings);
        Assert.Contains($"{journal}: record 2 at byte {second.ToString("N0", CultureInfo.InvariantCulture)} is damaged (checksum mismatch); kept 1 record, dropped the rest", warning, StringComparison.Ordinal);
        Assert.Contains("resumes after generation 0", warning, StringComparison.Ordinal);
        Assert.Equal(second, new FileInfo(journal).Length);
    }

    [Fact]
    public void A_journal_of_another_run_is_refused()
    {
        (_, _, string journal) = RunWithJournal(snapshotAfter: 0, generations: 2);
        var other = new RestoredSearch<DirectGenome>("another-run", new EliteArchive<DirectGenome>(Classes), new DeterministicRandom(1), 0, 0);

        DataFormatException ex = Assert.Throws<DataFormatException>(() => ArchiveJournal.Replay(journal, other, _direct));
        Assert.Contains(journal, ex.Message, StringComparison.Ordinal);
    }

    /// <summary>Runs generations, snapshots after <paramref name="snapshotAfter"/> of them (0: never) and journals every one after that.</summary>
    private (Scheduler<DirectGenome> Live, string Snapshot, string Journal) RunWithJournal(int snapshotAfter, int generations)
    {
        string snapshot = _dir.File(RunFiles.Archive);
        string journal = _dir.File(RunFiles.Journal);
        var scheduler = new Scheduler<DirectGenome>(new EliteArchive<DirectGenome>(Classes), _direct.Variation, 10, 8, new DeterministicRandom(3));
        // journal.bin as run folders from before the run store wrote it: framed records, emptied at each snapshot.
        using var log = new FileStream(journal, FileMode.Create, FileAccess.Write);
        for (int g = 0; g < generations; g++)
        {
            long[] before = Ids(scheduler.Archive);
            IReadOnlyList<DirectGenome> batch = scheduler.Ask();
            scheduler.Tell(batch, _evaluator.Evaluate(batch).Probabilities);
            long[] after = Ids(scheduler.Archive);
            if (g + 1 == snapshotAfter)
            {
                ArchiveSnapshot.Save(snapshot, "run", _direct, scheduler, g);
                log.SetLength(0);
            }
            else
            {
                FramedRecords.Write(log, ArchiveJournal.Record("run", _direct, scheduler, Enumerable.Range(0, Classes).Where(c => after[c] != before[c]).Select(c => scheduler.Archive[c]!), g).ToByteArray());
                log.Flush();
            }
        }

        return (scheduler, snapshot, journal);
    }

    private static long[] Ids(EliteArchive<DirectGenome> archive) => Enumerable.Range(0, Classes).Select(c => archive[c]?.Id ?? -1).ToArray();

    private void AssertSame(Scheduler<DirectGenome> live, RestoredSearch<DirectGenome> replayed)
    {
        Assert.Equal(live.NextGeneration, replayed.NextGeneration);
        Assert.Equal(live.Archive.Evaluations, replayed.Archive.Evaluations);
        Assert.Equal(live.Random.State, replayed.Random.State);
        for (int c = 0; c < Classes; c++)
        {
            Elite<DirectGenome> a = live.Archive[c]!;
            Elite<DirectGenome> b = replayed.Archive[c]!;
            Assert.Equal((a.Id, a.Confidence, a.Generation), (b.Id, b.Confidence, b.Generation));
            Assert.Equal(a.Genome.Genes.ToArray(), b.Genome.Genes.ToArray());
        }
    }
}
