using FoolingCluster.Evolution.Archive;
using FoolingCluster.Evolution.Encodings;
using FoolingCluster.Evolution.Evaluation;
using FoolingCluster.Evolution.Genomes;
using FoolingCluster.Evolution.Genomes.Cppn;
using FoolingCluster.Evolution.Genomes.Direct;
using FoolingCluster.Evolution.Randomness;
using FoolingCluster.Evolution.Scheduling;
using FoolingCluster.Evolution.Tests.Scheduling;
using FoolingCluster.Evolution.Tests.Support;
using FoolingCluster.Models.Data;
using FoolingCluster.Protocol.Messages;
using FoolingCluster.Runs;
using FoolingCluster.Runs.Codecs;
using FoolingCluster.Tests.Shared;
using Google.Protobuf;
using Xunit;

namespace FoolingCluster.Evolution.Tests.Runs;

public sealed class ArchiveSnapshotTests : IDisposable
{
    private const int Classes = 5;
    private static readonly ImageShape s_shape = new(1, 5, 5);
    private readonly TempDirectory _dir = new();
    private readonly DirectEncoding _direct = new(s_shape, new DirectSettings { MutationRate = 0.3 });

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Save_then_load_restores_the_archive_generation_and_generator()
    {
        Scheduler<DirectGenome> scheduler = Run(_direct, seed: 1, generations: 6);
        string path = _dir.File(RunFiles.Archive);

        ArchiveSnapshot.Save(path, "run-42", _direct, scheduler, searchSeconds: 12.5);
        RestoredSearch<DirectGenome> restored = ArchiveSnapshot.Load(path, _direct, Classes);

        Assert.Equal("run-42", restored.RunId);
        Assert.Equal(6, restored.NextGeneration);
        Assert.Equal(12.5, restored.SearchSeconds);
        Assert.Equal(scheduler.Random.State, restored.Random.State);
        SchedulerTests.AssertSameArchive(_direct, scheduler.Archive, restored.Archive);
        Assert.Equal([Path.GetFileName(path)], Directory.GetFiles(_dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void A_resumed_search_continues_exactly_as_the_uninterrupted_one()
    {
        Scheduler<DirectGenome> original = Run(_direct, seed: 2, generations: 5);
        string path = _dir.File(RunFiles.Archive);
        ArchiveSnapshot.Save(path, "run", _direct, original, 0);
        RestoredSearch<DirectGenome> restored = ArchiveSnapshot.Load(path, _direct, Classes);
        var resumed = new Scheduler<DirectGenome>(restored.Archive, _direct.Variation, 10, 8, restored.Random, restored.NextGeneration);

        IReadOnlyList<DirectGenome> next = original.Ask();
        IReadOnlyList<DirectGenome> nextResumed = resumed.Ask();

        Assert.Equal(next.Select(_direct.ToMessage), nextResumed.Select(_direct.ToMessage));
        Evaluator<DirectGenome> evaluator = EvaluatorFor(_direct);
        original.Tell(next, evaluator.Evaluate(next).Probabilities);
        resumed.Tell(nextResumed, evaluator.Evaluate(nextResumed).Probabilities);
        Continue(original, evaluator, 4);
        Continue(resumed, evaluator, 4);
        SchedulerTests.AssertSameArchive(_direct, original.Archive, resumed.Archive);
        Assert.Equal(original.NextGeneration, resumed.NextGeneration);
    }

    [Fact]
    public void A_CPPN_archive_round_trips_too()
    {
        var encoding = new CppnEncoding(new ImageShape(3, 4, 4), new CppnSettings { AddNodeRate = 0.5 });
        Scheduler<CppnGenome> scheduler = Run(encoding, seed: 3, generations: 8);
        string path = _dir.File(RunFiles.Archive);

        ArchiveSnapshot.Save(path, "cppn-run", encoding, scheduler, 1);
        RestoredSearch<CppnGenome> restored = ArchiveSnapshot.Load(path, encoding, Classes);

        SchedulerTests.AssertSameArchive(encoding, scheduler.Archive, restored.Archive);
        Assert.Contains(restored.Archive.Elites, e => e.Genome.HiddenCount > 0);
    }

    [Fact]
    public void A_snapshot_replaces_the_previous_one()
    {
        Scheduler<DirectGenome> scheduler = Run(_direct, seed: 4, generations: 2);
        string path = _dir.File(RunFiles.Archive);
        ArchiveSnapshot.Save(path, "run", _direct, scheduler, 0);
        Continue(scheduler, EvaluatorFor(_direct), 3);

        ArchiveSnapshot.Save(path, "run", _direct, scheduler, 0);

        Assert.Equal(5, ArchiveSnapshot.Load(path, _direct, Classes).NextGeneration);
    }

    [Fact]
    public void No_snapshot_is_taken_while_a_batch_is_out()
    {
        Scheduler<DirectGenome> scheduler = Run(_direct, seed: 5, generations: 2);
        scheduler.Ask();
        string path = _dir.File(RunFiles.Archive);

        Assert.Throws<InvalidOperationException>(() => ArchiveSnapshot.Save(path, "run", _direct, scheduler, 0));
        Assert.Empty(Directory.GetFiles(_dir.Path));
    }

    [Fact]
    public void A_missing_file_is_a_data_format_error_naming_it()
    {
        string path = _dir.File("nothing.pb");

        AssertNames(path, () => ArchiveSnapshot.Load(path, _direct, Classes));
    }

    [Fact]
    public void A_corrupt_file_is_a_data_format_error_naming_it()
    {
        string path = SavedSnapshot();
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);

        AssertNames(path, () => ArchiveSnapshot.Load(path, _direct, Classes));

        File.WriteAllBytes(path, [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]);
        AssertNames(path, () => ArchiveSnapshot.Load(path, _direct, Classes));

        File.WriteAllText(path, "this is not a protobuf snapshot at all");
        AssertNames(path, () => ArchiveSnapshot.Load(path, _direct, Classes));
    }

    [Fact]
    public void A_snapshot_of_another_encoding_is_refused()
    {
        string path = SavedSnapshot();
        var cppn = new CppnEncoding(s_shape, new CppnSettings());

        DataFormatException ex = AssertNames(path, () => ArchiveSnapshot.Load(path, cppn, Classes));
        Assert.Contains("'direct'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_snapshot_of_another_cell_count_is_refused()
    {
        string path = SavedSnapshot();

        DataFormatException ex = AssertNames(path, () => ArchiveSnapshot.Load(path, _direct, Classes + 1));
        Assert.Contains("cells", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_snapshot_for_another_image_shape_is_refused()
    {
        string path = SavedSnapshot();
        var larger = new DirectEncoding(new ImageShape(1, 6, 6), new DirectSettings());

        AssertNames(path, () => ArchiveSnapshot.Load(path, larger, Classes));
    }

    [Theory]
    [InlineData("gene")]
    [InlineData("confidence")]
    [InlineData("probabilities")]
    [InlineData("cell")]
    [InlineData("repeated cell")]
    [InlineData("generator")]
    [InlineData("generation")]
    [InlineData("genome")]
    public void Damaged_fields_are_refused(string damage)
    {
        string path = SavedSnapshot();
        ArchiveSnapshotMessage message = ArchiveSnapshotMessage.Parser.ParseFrom(File.ReadAllBytes(path));
        EliteMessage elite = message.Elites[0];
        switch (damage)
        {
            case "gene":
                elite.Genome.Direct.Genes[3] = 1.5f;
                break;
            case "confidence":
                elite.Confidence = elite.Probabilities[elite.Cell] / 2;
                break;
            case "probabilities":
                elite.Probabilities.RemoveAt(0);
                break;
            case "cell":
                elite.Cell = Classes;
                break;
            case "repeated cell":
                message.Elites[1].Cell = elite.Cell;
                message.Elites[1].Confidence = message.Elites[1].Probabilities[elite.Cell];
                break;
            case "generator":
                message.RandomState.Clear();
                message.RandomState.Add([0UL, 0UL, 0UL, 0UL]);
                break;
            case "generation":
                message.Generation = -1;
                break;
            case "genome":
                elite.Genome = null;
                break;
        }

        File.WriteAllBytes(path, message.ToByteArray());

        AssertNames(path, () => ArchiveSnapshot.Load(path, _direct, Classes));
    }

    private string SavedSnapshot()
    {
        Scheduler<DirectGenome> scheduler = Run(_direct, seed: 6, generations: 4);
        Assert.True(scheduler.Archive.Elites.Count >= 2);
        string path = _dir.File(RunFiles.Archive);
        ArchiveSnapshot.Save(path, "run", _direct, scheduler, 0);
        return path;
    }

    private static DataFormatException AssertNames(string path, Func<object> load)
    {
        DataFormatException ex = Assert.Throws<DataFormatException>(load);
        Assert.Equal(path, ex.Path);
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        return ex;
    }

    private static Evaluator<TGenome> EvaluatorFor<TGenome>(IEncoding<TGenome> encoding) =>
        new(encoding.Decoder, new MeanClassifier(encoding.Shape, Classes));

    private static Scheduler<TGenome> Run<TGenome>(IEncoding<TGenome> encoding, long seed, int generations)
    {
        var scheduler = new Scheduler<TGenome>(new EliteArchive<TGenome>(Classes), encoding.Variation, 10, 8, new DeterministicRandom(seed));
        Continue(scheduler, EvaluatorFor(encoding), generations);
        return scheduler;
    }

    private static void Continue<TGenome>(Scheduler<TGenome> scheduler, Evaluator<TGenome> evaluator, int generations)
    {
        for (int i = 0; i < generations; i++)
        {
            IReadOnlyList<TGenome> batch = scheduler.Ask();
            scheduler.Tell(batch, evaluator.Evaluate(batch).Probabilities);
        }
    }
}
