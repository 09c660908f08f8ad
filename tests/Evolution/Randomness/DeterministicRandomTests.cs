using FoolingCluster.Evolution.Randomness;
using Xunit;

namespace FoolingCluster.Evolution.Tests.Randomness;

public class DeterministicRandomTests
{
    [Fact]
    public void Seeding_runs_SplitMix64_so_seed_zero_gives_its_published_first_outputs()
    {
        var random = new DeterministicRandom(0);

        Assert.Equal([0xE220A8397B1DCDAFUL, 0x6E789E6AA1B965F4UL, 0x06C45D188009454FUL, 0xF88BB8A8724C81ECUL], random.State);
    }

    [Fact]
    public void Output_matches_the_xoshiro256starstar_reference_for_state_1_2_3_4()
    {
        var random = new DeterministicRandom([1UL, 2UL, 3UL, 4UL]);

        ulong[] drawn = [.. Enumerable.Range(0, 6).Select(_ => random.NextUInt64())];

        Assert.Equal([11520UL, 0UL, 1509978240UL, 1215971899390074240UL, 1216172134540287360UL, 607988272756665600UL], drawn);
    }

    [Fact]
    public void Seed_42_gives_a_fixed_sequence_on_every_machine()
    {
        var random = new DeterministicRandom(42);

        ulong[] drawn = [.. Enumerable.Range(0, 3).Select(_ => random.NextUInt64())];

        Assert.Equal([0x15780B2E0C2EC716UL, 0x6104D9866D113A7EUL, 0xAE17533239E499A1UL], drawn);
    }

    [Fact]
    public void Same_seed_gives_the_same_sequence_and_another_seed_a_different_one()
    {
        var a = new DeterministicRandom(12345);
        var b = new DeterministicRandom(12345);
        var c = new DeterministicRandom(12346);

        ulong[] fromA = [.. Enumerable.Range(0, 1000).Select(_ => a.NextUInt64())];
        ulong[] fromB = [.. Enumerable.Range(0, 1000).Select(_ => b.NextUInt64())];
        ulong[] fromC = [.. Enumerable.Range(0, 1000).Select(_ => c.NextUInt64())];

        Assert.Equal(fromA, fromB);
        Assert.NotEqual(fromA, fromC);
        Assert.Equal(1000, fromA.Distinct().Count());
    }

    [Fact]
    public void Negative_seeds_are_valid_and_distinct_from_their_absolute_value()
    {
        var negative = new DeterministicRandom(-7);
        var positive = new DeterministicRandom(7);

        Assert.NotEqual(negative.NextUInt64(), positive.NextUInt64());
    }

    [Fact]
    public void Restoring_the_state_continues_the_sequence_exactly()
    {
        var original = new DeterministicRandom(99);
        for (int i = 0; i < 37; i++)
        {
            original.NextDouble();
        }

        ulong[] state = original.State;
        var restored = new DeterministicRandom(state);

        for (int i = 0; i < 500; i++)
        {
            Assert.Equal(original.NextUInt64(), restored.NextUInt64());
        }
    }

    [Fact]
    public void State_is_a_copy_that_does_not_change_as_the_generator_advances()
    {
        var random = new DeterministicRandom(5);
        ulong[] before = random.State;
        ulong[] kept = [.. before];

        random.NextUInt64();

        Assert.Equal(kept, before);
        Assert.NotEqual(before, random.State);
    }

    [Fact]
    public void A_state_that_is_all_zero_or_not_four_words_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => new DeterministicRandom([0UL, 0UL, 0UL, 0UL]));
        Assert.Throws<ArgumentException>(() => new DeterministicRandom([1UL, 2UL, 3UL]));
        Assert.Throws<ArgumentException>(() => new DeterministicRandom([1UL, 2UL, 3UL, 4UL, 5UL]));
        Assert.Throws<ArgumentNullException>(() => new DeterministicRandom((IReadOnlyList<ulong>)null!));
    }

    [Fact]
    public void NextDouble_lies_in_the_unit_interval_with_mean_near_one_half()
    {
        var random = new DeterministicRandom(1);
        const int n = 100_000;
        double sum = 0;
        double min = 1;
        double max = 0;
        for (int i = 0; i < n; i++)
        {
            double v = random.NextDouble();
            Assert.InRange(v, 0.0, 1.0);
            Assert.NotEqual(1.0, v);
            sum += v;
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }

        // Standard error of the mean is sqrt(1/12/n) ≈ 0.0009.
        Assert.InRange(sum / n, 0.495, 0.505);
        Assert.True(min < 0.001, $"smallest of {n} draws was {min}");
        Assert.True(max > 0.999, $"largest of {n} draws was {max}");
    }

    [Fact]
    public void NextDouble_with_bounds_stays_within_them()
    {
        var random = new DeterministicRandom(2);
        for (int i = 0; i < 10_000; i++)
        {
            double v = random.NextDouble(-10, 10);
            Assert.True(v >= -10 && v < 10, $"{v} is outside [-10, 10)");
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(10)]
    [InlineData(1000)]
    [InlineData(int.MaxValue)]
    public void NextInt_is_always_in_range(int n)
    {
        var random = new DeterministicRandom(n);
        for (int i = 0; i < 20_000; i++)
        {
            int v = random.NextInt(n);
            Assert.InRange(v, 0, n - 1);
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(10)]
    [InlineData(37)]
    public void NextInt_is_roughly_uniform(int n)
    {
        var random = new DeterministicRandom(1000 + n);
        int draws = 2000 * n;
        var counts = new int[n];
        for (int i = 0; i < draws; i++)
        {
            counts[random.NextInt(n)]++;
        }

        double expected = (double)draws / n;
        double chiSquare = counts.Sum(c => (c - expected) * (c - expected) / expected);

        // With n − 1 degrees of freedom the statistic has mean n − 1 and standard deviation
        // sqrt(2(n − 1)); ten standard deviations above the mean never happens by chance.
        double bound = (n - 1) + (10 * Math.Sqrt(2.0 * (n - 1)));
        Assert.True(chiSquare < bound, $"chi-square {chiSquare:F1} over {n} bins exceeds {bound:F1}: [{string.Join(", ", counts)}]");
    }

    [Fact]
    public void NextInt_reaches_both_ends_of_its_range()
    {
        var random = new DeterministicRandom(3);
        var seen = new HashSet<int>();
        for (int i = 0; i < 2000; i++)
        {
            seen.Add(random.NextInt(5));
        }

        Assert.Equal([0, 1, 2, 3, 4], seen.Order());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void NextInt_rejects_an_empty_range(int n)
    {
        var random = new DeterministicRandom(0);

        Assert.Throws<ArgumentOutOfRangeException>(() => random.NextInt(n));
    }

    [Fact]
    public void NextBool_is_true_with_the_given_probability()
    {
        var random = new DeterministicRandom(4);
        const int n = 100_000;

        int hits = Enumerable.Range(0, n).Count(_ => random.NextBool(0.3));

        Assert.InRange(hits / (double)n, 0.29, 0.31);
        Assert.DoesNotContain(Enumerable.Range(0, 1000), _ => random.NextBool(0));
        Assert.All(Enumerable.Range(0, 1000), _ => Assert.True(random.NextBool(1)));
    }

    [Fact]
    public void A_fork_is_reproducible_and_differs_from_its_parent()
    {
        var a = new DeterministicRandom(8);
        var b = new DeterministicRandom(8);

        DeterministicRandom forkA = a.Fork();
        DeterministicRandom forkB = b.Fork();

        ulong[] fromForkA = [.. Enumerable.Range(0, 10).Select(_ => forkA.NextUInt64())];
        ulong[] fromForkB = [.. Enumerable.Range(0, 10).Select(_ => forkB.NextUInt64())];
        ulong[] fromParent = [.. Enumerable.Range(0, 10).Select(_ => a.NextUInt64())];
        Assert.Equal(fromForkA, fromForkB);
        Assert.NotEqual(fromForkA, fromParent);
    }

    [Fact]
    public void Neighbouring_streams_share_no_state_and_their_first_draws_are_uncorrelated()
    {
        const ulong Seed = 12345;
        var words = new HashSet<ulong>();
        const int Streams = 2000;
        var first = new double[Streams];
        var second = new double[Streams];
        for (int stream = 0; stream < Streams; stream++)
        {
            DeterministicRandom random = DeterministicRandom.ForStream(Seed, stream);
            foreach (ulong word in random.State)
            {
                Assert.True(words.Add(word), $"stream {stream} repeats a state word of an earlier stream");
            }

            first[stream] = random.NextDouble();
            second[stream] = DeterministicRandom.ForStream(Seed + 1, stream).NextDouble();
        }

        // Stream s and s + 1 of one seed, and stream s of two seeds: correlation of the first draws near 0 (|r| < 4/√n).
        Assert.InRange(Correlation(first[..^1], first[1..]), -0.09, 0.09);
        Assert.InRange(Correlation(first, second), -0.09, 0.09);
        Assert.Equal(DeterministicRandom.ForStream(Seed, 7).State, DeterministicRandom.ForStream(Seed, 7).State);
    }

    private static double Correlation(double[] x, double[] y)
    {
        double mx = x.Average();
        double my = y.Average();
        double sxy = x.Zip(y).Sum(p => (p.First - mx) * (p.Second - my));
        double sxx = x.Sum(v => (v - mx) * (v - mx));
        double syy = y.Sum(v => (v - my) * (v - my));
        return sxy / Math.Sqrt(sxx * syy);
    }
}
