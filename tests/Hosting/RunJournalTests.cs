using Akka.Actor;
using FoolingCluster.Hosting.Nodes;
using FoolingCluster.Hosting.Persistence;
using FoolingCluster.Evolution.Encodings;
using FoolingCluster.Evolution.Genomes.Direct;
using FoolingCluster.Evolution.Scheduling;
using FoolingCluster.Models.Data;
using FoolingCluster.Protocol.Messages;
using FoolingCluster.Runs;
using FoolingCluster.Evolution.Genomes;
using FoolingCluster.Tests.Shared;
using Xunit;

namespace FoolingCluster.Hosting.Tests;

/// <summary>
/// A run's journal survives its actor system: generations persisted and a snapshot taken are
/// recovered by a new system (a restarted or standby coordinator) from SQLite and from PostgreSQL;
/// a journal shared in PostgreSQL also keeps the generations a snapshot covers, for a standby's
/// copy of the run folder.
/// </summary>
public sealed class RunJournalTests(PostgresServer postgres) : IClassFixture<PostgresServer>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Generations_and_a_snapshot_are_recovered_from_a_sqlite_file()
    {
        using var folder = new TempDirectory();
        await RoundTripAsync(JournalStore.Sqlite(Path.Combine(folder.Path, "journal.db")));
    }

    [Fact]
    public async Task Generations_and_a_snapshot_are_recovered_from_postgresql()
    {
        Assert.True(postgres.Unavailable is null, postgres.Unavailable);
        await RoundTripAsync(JournalStore.Postgres(await postgres.NewDatabaseAsync()));
    }

    [Fact]
    public async Task A_run_is_not_started_in_a_journal_that_already_holds_its_id()
    {
        // Two machines sharing one journal could name their runs alike (the same configuration
        // started in the same second): the second must not interleave its generations with the first's.
        using var folder = new TempDirectory();
        const string Run = "20261206-000000-run-direct";
        JournalStore store = JournalStore.Sqlite(Path.Combine(folder.Path, "journal.db"));
        await using NodeHost node = await NodeHost.StartAsync(b => store.AddTo(b), CancellationToken.None);
        using var runStore = new ActorRunStore(node.System, Run, store);
        runStore.AppendGeneration(Record(Run, 0));
        string runFolder = Directory.CreateDirectory(Path.Combine(folder.Path, Run)).FullName;
        var encoding = new DirectEncoding(new ImageShape(1, 4, 4), new DirectSettings());

        var refused = Assert.Throws<DataFormatException>(() => SearchRun<DirectGenome>.Start(runFolder, new EvolutionConfig(), encoding, new NothingEvaluated(), 10, runStore));

        Assert.Contains(store.Description, refused.Message, StringComparison.Ordinal);
        Assert.Contains($"already holds a run with id {Run}", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_malformed_postgresql_address_is_refused_with_an_example()
    {
        var ex = Assert.Throws<FoolingCluster.Tensors.InvalidInputException>(() => JournalStore.Postgres("http://host/db"));
        Assert.Contains("postgres://", ex.Message, StringComparison.Ordinal);
        Assert.Throws<FoolingCluster.Tensors.InvalidInputException>(() => JournalStore.Postgres("postgres://host/"));
    }

    private static async Task RoundTripAsync(JournalStore store)
    {
        const string Run = "20261206-000000-run-cppn";
        await using (NodeHost first = await NodeHost.StartAsync(b => store.AddTo(b), CancellationToken.None))
        {
            IActorRef journal = first.System.ActorOf(RunJournal.Props(Run, keepGenerations: store.Address is not null));
            RecoveredRun empty = await journal.Ask<RecoveredRun>(RunJournal.RecoveredQuery.Instance, Wait);
            Assert.Null(empty.Snapshot);
            Assert.Empty(empty.Generations);
            for (int g = 1; g <= 3; g++)
            {
                await journal.Ask<RunJournal.Persisted>(Record(Run, g), Wait);
            }

            await journal.Ask<RunJournal.Persisted>(new ArchiveSnapshotMessage { RunId = Run, Generation = 4, Evaluations = 1200 }, Wait);
            for (int g = 4; g <= 5; g++)
            {
                await journal.Ask<RunJournal.Persisted>(Record(Run, g), Wait);
            }
        }

        await using NodeHost second = await NodeHost.StartAsync(b => store.AddTo(b), CancellationToken.None);
        IActorRef recovered = second.System.ActorOf(RunJournal.Props(Run, keepGenerations: store.Address is not null));
        RecoveredRun state = await recovered.Ask<RecoveredRun>(RunJournal.RecoveredQuery.Instance, Wait);
        Assert.NotNull(state.Snapshot);
        Assert.Equal(4, state.Snapshot.Generation);
        Assert.Equal(1200, state.Snapshot.Evaluations);
        Assert.Equal([5, 6], state.Generations.Select(r => r.NextGeneration));
        Assert.Equal(Record(Run, 5), state.Generations[^1]);

        // Every generation still held, snapshots aside: all of them in the shared journal; in a
        // run folder's own journal at least those after the snapshot (the others are deleted).
        using var store2 = new ActorRunStore(second.System, Run, store);
        IReadOnlyList<JournalRecordMessage> every = store2.LoadEveryGeneration();
        if (store.Address is not null)
        {
            Assert.Equal([2, 3, 4, 5, 6], every.Select(r => r.NextGeneration));
            Assert.Equal(Record(Run, 1), every[0]);
        }
        else
        {
            Assert.Equal([5, 6], every.Select(r => r.NextGeneration).TakeLast(2));
        }
    }

    /// <summary>An evaluator for a search that must not get as far as evaluating.</summary>
    private sealed class NothingEvaluated : IGenerationEvaluator<DirectGenome>
    {
        public GenerationResult RunGeneration(Scheduler<DirectGenome> scheduler, float recordThreshold, CancellationToken cancel) =>
            throw new InvalidOperationException("the search was started and evaluated a generation");
    }

    private static JournalRecordMessage Record(string run, int generation)
    {
        var record = new JournalRecordMessage { RunId = run, NextGeneration = generation + 1, Evaluations = 400L * (generation + 1), SearchSeconds = generation };
        record.RandomState.AddRange([1UL, 2UL, 3UL, (ulong)generation]);
        return record;
    }
}
