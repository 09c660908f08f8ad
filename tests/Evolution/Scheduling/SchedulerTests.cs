using FoolingCluster.Evolution.Archive;
using FoolingCluster.Evolution.Encodings;
using FoolingCluster.Evolution.Evaluation;
using FoolingCluster.Evolution.Genomes;
using FoolingCluster.Evolution.Genomes.Cppn;
using FoolingCluster.Evolution.Genomes.Direct;
using FoolingCluster.Evolution.Randomness;
using FoolingCluster.Evolution.Scheduling;
using FoolingCluster.Evolution.Tests.Support;
using FoolingCluster.Runs.Codecs;
using FoolingCluster.Tensors;
using Xunit;

namespace FoolingCluster.Evolution.Tests.Scheduling;

public class SchedulerTests
{
    private static readonly ImageShape s_shape = new(1, 6, 6);

    [Fact]
    public void Tell_without_a_pending_ask_fails()
    {
        Scheduler<int> scheduler = IntScheduler(out _);

        Assert.Throws<InvalidOperationException>(() => scheduler.Tell([1, 2], new float[6]));
    }

    [Fact]
    public void Asking_twice_without_telling_fails()
    {
        Scheduler<int> scheduler = IntScheduler(out _);
        scheduler.Ask();

        Assert.True(scheduler.HasPendingAsk);
        Assert.Throws<InvalidOperationException>(() => scheduler.Ask());
    }

    [Fact]
    public void Tell_must_be_given_the_very_list_that_was_asked()
    {
        Scheduler<int> scheduler = IntScheduler(out _);
        IReadOnlyList<int> batch = scheduler.Ask();
        int[] copy = [.. batch];

        Assert.Throws<ArgumentException>(() => scheduler.Tell(copy, Uniform(copy.Length)));
        Assert.True(scheduler.HasPendingAsk);
        Assert.Equal(0, scheduler.NextGeneration);

        scheduler.Tell(batch, Uniform(batch.Count));
        Assert.False(scheduler.HasPendingAsk);
    }

    [Fact]
    public void A_tell_with_misshapen_probabilities_keeps_the_batch_pending()
    {
        Scheduler<int> scheduler = IntScheduler(out _);
        IReadOnlyList<int> batch = scheduler.Ask();

        Assert.Throws<ShapeMismatchException>(() => scheduler.Tell(batch, new float[(batch.Count * 3) - 1]));
        Assert.True(scheduler.HasPendingAsk);
        Assert.Equal(0, scheduler.NextGeneration);
        Assert.Equal(0, scheduler.Archive.Evaluations);

        scheduler.Tell(batch, Uniform(batch.Count));
        Assert.Equal(1, scheduler.NextGeneration);
    }

    [Fact]
    public void The_first_ask_is_the_random_population_and_later_asks_are_offspring_batches()
    {
        Scheduler<int> scheduler = IntScheduler(out RecordingVariation variation, initialPopulation: 7, batchSize: 5);

        IReadOnlyList<int> initial = scheduler.Ask();
        Assert.Equal([1, 2, 3, 4, 5, 6, 7], initial);
        Assert.Empty(variation.Mutations);
        scheduler.Tell(initial, Uniform(initial.Count));
        Assert.Equal(1, scheduler.NextGeneration);

        for (int generation = 1; generation <= 3; generation++)
        {
            IReadOnlyList<int> batch = scheduler.Ask();
            Assert.Equal(5, batch.Count);
            Assert.All(batch, g => Assert.True(g > RecordingVariation.MutationOffset, $"{g} is not a mutant"));
            Assert.All(variation.Mutations.Skip((generation - 1) * 5), m => Assert.Equal(generation, m.Generation));
            scheduler.Tell(batch, Uniform(batch.Count));
            Assert.Equal(generation + 1, scheduler.NextGeneration);
        }

        Assert.Equal(7 + 15, scheduler.Archive.Evaluations);
    }

    [Fact]
    public void Elites_remember_the_generation_that_produced_them()
    {
        Scheduler<int> scheduler = IntScheduler(out _, initialPopulation: 3, batchSize: 2);
        IReadOnlyList<int> initial = scheduler.Ask();
        scheduler.Tell(initial, Uniform(initial.Count));
        IReadOnlyList<int> batch = scheduler.Ask();

        // The first child beats no elite; the second is certain of class 1.
        scheduler.Tell(batch, [0.3f, 0.3f, 0.3f, 0f, 1f, 0f]);

        Assert.Equal(0, scheduler.Archive[0]!.Generation);
        Assert.Equal(1, scheduler.Archive[1]!.Generation);
        Assert.Equal(batch[1], scheduler.Archive[1]!.Genome);
        Assert.Equal(4, scheduler.Archive[1]!.Id);
    }

    [Fact]
    public void A_scheduler_resumed_past_generation_zero_breeds_from_its_restored_archive()
    {
        var archive = new EliteArchive<int>(3);
        archive.Restore([new Elite<int>(1, 77, 0.9f, [0.05f, 0.9f, 0.05f], 4, 9)], 10);
        var scheduler = new Scheduler<int>(archive, new RecordingVariation(0), 5, 4, new DeterministicRandom(1), nextGeneration: 5);

        IReadOnlyList<int> batch = scheduler.Ask();

        Assert.All(batch, g => Assert.Equal(77 + RecordingVariation.MutationOffset, g));
    }

    [Fact]
    public void Asking_for_offspring_of_an_empty_archive_fails()
    {
        var scheduler = new Scheduler<int>(new EliteArchive<int>(3), new RecordingVariation(0), 5, 4, new DeterministicRandom(1), nextGeneration: 2);

        Assert.Throws<InvalidOperationException>(() => scheduler.Ask());
    }

    [Fact]
    public void The_constructor_checks_its_arguments()
    {
        var archive = new EliteArchive<int>(3);
        var variation = new RecordingVariation(0);
        var random = new DeterministicRandom(1);

        Assert.Throws<ArgumentOutOfRangeException>(() => new Scheduler<int>(archive, variation, 0, 4, random));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Scheduler<int>(archive, variation, 4, 0, random));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Scheduler<int>(archive, variation, 4, 4, random, nextGeneration: -1));
        Assert.Throws<ArgumentNullException>(() => new Scheduler<int>(null!, variation, 4, 4, random));
    }

    [Fact]
    public void Equal_seeds_give_equal_direct_archives_and_other_seeds_differ()
    {
        var encoding = new DirectEncoding(s_shape, new DirectSettings { MutationRate = 0.3 });

        Scheduler<DirectGenome> a = Evolve(encoding, seed: 5, generations: 25);
        Scheduler<DirectGenome> b = Evolve(encoding, seed: 5, generations: 25);
        Scheduler<DirectGenome> c = Evolve(encoding, seed: 6, generations: 25);

        AssertSameArchive(encoding, a.Archive, b.Archive);
        Assert.Equal(a.Random.State, b.Random.State);
        Assert.NotEqual(
            a.Archive.Elites.Select(e => encoding.ToMessage(e.Genome)),
            c.Archive.Elites.Select(e => encoding.ToMessage(e.Genome)));
    }

    [Fact]
    public void Equal_seeds_give_equal_CPPN_archives()
    {
        var encoding = new CppnEncoding(s_shape, new CppnSettings());

        Scheduler<CppnGenome> a = Evolve(encoding, seed: 7, generations: 20);
        Scheduler<CppnGenome> b = Evolve(encoding, seed: 7, generations: 20);

        AssertSameArchive(encoding, a.Archive, b.Archive);
    }

    [Fact]
    public void Elite_confidences_never_decrease_and_the_search_makes_progress()
    {
        var encoding = new DirectEncoding(s_shape, new DirectSettings { MutationRate = 0.3 });
        var classifier = new MeanClassifier(s_shape, 4, scale: 8f);
        var evaluator = new Evaluator<DirectGenome>(encoding.Decoder, classifier);
        var scheduler = new Scheduler<DirectGenome>(new EliteArchive<DirectGenome>(4), encoding.Variation, 20, 20, new DeterministicRandom(8));
        float[] previous = new float[4];
        float[] initial = [];

        for (int generation = 0; generation < 40; generation++)
        {
            IReadOnlyList<DirectGenome> batch = scheduler.Ask();
            scheduler.Tell(batch, evaluator.Evaluate(batch).Probabilities);
            float[] now = [.. Enumerable.Range(0, 4).Select(c => scheduler.Archive[c]!.Confidence)];
            for (int c = 0; c < 4; c++)
            {
                Assert.True(now[c] >= previous[c], $"cell {c} fell from {previous[c]} to {now[c]} in generation {generation}");
            }

            if (generation == 0)
            {
                initial = now;
            }

            previous = now;
        }

        // The best possible image (its run all 1, the rest 0) scores e^8 / (e^8 + 3) ≈ 0.9990.
        for (int c = 0; c < 4; c++)
        {
            Assert.True(previous[c] > 0.9f && previous[c] > initial[c] + 0.05f, $"cell {c} went from {initial[c]} to only {previous[c]} in 40 generations");
        }

        Assert.Equal(20 + (39 * 20), scheduler.Archive.Evaluations);
    }

    private static Scheduler<TGenome> Evolve<TGenome>(IEncoding<TGenome> encoding, long seed, int generations)
    {
        var evaluator = new Evaluator<TGenome>(encoding.Decoder, new MeanClassifier(encoding.Shape, 4));
        var scheduler = new Scheduler<TGenome>(new EliteArchive<TGenome>(4), encoding.Variation, 16, 12, new DeterministicRandom(seed));
        for (int generation = 0; generation < generations; generation++)
        {
            IReadOnlyList<TGenome> batch = scheduler.Ask();
            scheduler.Tell(batch, evaluator.Evaluate(batch).Probabilities);
        }

        return scheduler;
    }

    internal static void AssertSameArchive<TGenome>(IEncoding<TGenome> encoding, EliteArchive<TGenome> expected, EliteArchive<TGenome> actual)
    {
        Assert.Equal(expected.Cells, actual.Cells);
        Assert.Equal(expected.Evaluations, actual.Evaluations);
        for (int cell = 0; cell < expected.Cells; cell++)
        {
            Elite<TGenome>? e = expected[cell];
            Elite<TGenome>? a = actual[cell];
            if (e is null)
            {
                Assert.Null(a);
                continue;
            }

            Assert.NotNull(a);
            Assert.Equal(encoding.ToMessage(e.Genome), encoding.ToMessage(a.Genome));
            Assert.Equal(e.Cell, a.Cell);
            Assert.Equal(e.Confidence, a.Confidence);
            Assert.Equal(e.Probabilities, a.Probabilities);
            Assert.Equal(e.Generation, a.Generation);
            Assert.Equal(e.Id, a.Id);
        }
    }

    private static Scheduler<int> IntScheduler(out RecordingVariation variation, int initialPopulation = 4, int batchSize = 4)
    {
        variation = new RecordingVariation(0);
        return new Scheduler<int>(new EliteArchive<int>(3), variation, initialPopulation, batchSize, new DeterministicRandom(1));
    }

    private static float[] Uniform(int count) => [.. Enumerable.Repeat(1f / 3, count * 3)];
}
