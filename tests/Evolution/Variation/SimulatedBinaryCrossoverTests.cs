using FoolingCluster.Evolution.Randomness;
using FoolingCluster.Evolution.Variation;
using Xunit;

namespace FoolingCluster.Evolution.Tests.Variation;

public class SimulatedBinaryCrossoverTests
{
    [Theory]
    [InlineData(0f, 1f, 10f)]
    [InlineData(0f, 1f, 1f)]
    [InlineData(-10f, 10f, 10f)]
    public void Children_stay_within_bounds_for_random_parents_and_parents_at_the_bounds(float low, float high, float eta)
    {
        var random = new DeterministicRandom(21);
        const int genes = 64;
        var a = new float[genes];
        var b = new float[genes];
        var childA = new float[genes];
        var childB = new float[genes];
        for (int round = 0; round < 300; round++)
        {
            for (int i = 0; i < genes; i++)
            {
                a[i] = Pick(random, low, high);
                b[i] = Pick(random, low, high);
            }

            SimulatedBinaryCrossover.Cross(a, b, childA, childB, low, high, eta, random);

            for (int i = 0; i < genes; i++)
            {
                Assert.True(childA[i] >= low && childA[i] <= high, $"child {childA[i]} of {a[i]} and {b[i]} is outside [{low}, {high}]");
                Assert.True(childB[i] >= low && childB[i] <= high, $"child {childB[i]} of {a[i]} and {b[i]} is outside [{low}, {high}]");
            }
        }
    }

    [Fact]
    public void With_distant_bounds_each_gene_pair_keeps_the_parents_mean()
    {
        // SBX spreads the two children symmetrically about the parents' mean; only the bound
        // terms (negligible when the bounds are far away) and clamping break that symmetry.
        var random = new DeterministicRandom(22);
        const int genes = 200;
        var a = new float[genes];
        var b = new float[genes];
        var childA = new float[genes];
        var childB = new float[genes];
        int crossed = 0;
        for (int round = 0; round < 50; round++)
        {
            for (int i = 0; i < genes; i++)
            {
                a[i] = (float)random.NextDouble(-1, 1);
                b[i] = (float)random.NextDouble(-1, 1);
            }

            SimulatedBinaryCrossover.Cross(a, b, childA, childB, -1e6f, 1e6f, 10f, random);

            for (int i = 0; i < genes; i++)
            {
                double parentsMean = (a[i] + (double)b[i]) / 2;
                double childrenMean = (childA[i] + (double)childB[i]) / 2;
                Assert.True(Math.Abs(parentsMean - childrenMean) < 1e-5, $"gene {i}: parents {a[i]}, {b[i]}; children {childA[i]}, {childB[i]}");
                if (childA[i] != a[i] && childA[i] != b[i])
                {
                    crossed++;
                }
            }
        }

        // As in Sferes2's evo_float, every gene pair that differs is recombined.
        Assert.InRange(crossed / (50.0 * genes), 0.99, 1.0);
    }

    [Fact]
    public void Identical_parents_give_identical_children()
    {
        var random = new DeterministicRandom(23);
        float[] parent = [.. Enumerable.Range(0, 100).Select(_ => (float)random.NextDouble())];
        var childA = new float[parent.Length];
        var childB = new float[parent.Length];

        SimulatedBinaryCrossover.Cross(parent, parent, childA, childB, 0f, 1f, 10f, random);

        Assert.Equal(parent, childA);
        Assert.Equal(parent, childB);
    }

    [Fact]
    public void Every_differing_gene_is_recombined_and_equal_genes_are_copied()
    {
        var random = new DeterministicRandom(24);
        float[] a = [.. Enumerable.Range(0, 500).Select(_ => (float)random.NextDouble())];
        float[] b = [.. Enumerable.Range(0, 500).Select(i => i % 5 == 0 ? a[i] : (float)random.NextDouble())];
        var childA = new float[a.Length];
        var childB = new float[a.Length];

        SimulatedBinaryCrossover.Cross(a, b, childA, childB, 0f, 1f, 10f, random);

        for (int i = 0; i < a.Length; i++)
        {
            bool copied = (childA[i] == a[i] && childB[i] == b[i]) || (childA[i] == b[i] && childB[i] == a[i]);
            Assert.True(i % 5 == 0 ? copied : !copied, $"gene {i}: parents {a[i]}, {b[i]}; children {childA[i]}, {childB[i]}");
        }
    }

    [Fact]
    public void Larger_eta_keeps_children_closer_to_their_parents()
    {
        double Spread(float eta)
        {
            var random = new DeterministicRandom(25);
            var a = new float[1];
            var b = new float[1];
            var childA = new float[1];
            var childB = new float[1];
            double sum = 0;
            int crossed = 0;
            for (int i = 0; i < 20_000; i++)
            {
                a[0] = 0.4f;
                b[0] = 0.6f;
                SimulatedBinaryCrossover.Cross(a, b, childA, childB, -100f, 100f, eta, random);
                if (childA[0] != 0.4f)
                {
                    sum += Math.Abs(childA[0] - childB[0]);
                    crossed++;
                }
            }

            return sum / crossed;
        }

        double wide = Spread(1f);
        double medium = Spread(10f);
        double narrow = Spread(50f);
        Assert.True(wide > medium && medium > narrow, $"spreads {wide}, {medium}, {narrow} do not shrink with η");

        // With distant bounds E[βq] = ½·(η+1)/(η+2) + ½·(η+1)/η, 1.008 for η = 10, so the
        // children lie on average 1.008 parent distances (0.2) apart.
        Assert.InRange(medium, 0.19, 0.215);
    }

    [Fact]
    public void Same_generator_state_gives_the_same_children()
    {
        float[] a = [0.1f, 0.2f, 0.3f, 0.9f];
        float[] b = [0.8f, 0.7f, 0.6f, 0.1f];
        var first = new float[4];
        var second = new float[4];
        var firstAgain = new float[4];
        var secondAgain = new float[4];

        SimulatedBinaryCrossover.Cross(a, b, first, second, 0f, 1f, 10f, new DeterministicRandom(26));
        SimulatedBinaryCrossover.Cross(a, b, firstAgain, secondAgain, 0f, 1f, 10f, new DeterministicRandom(26));

        Assert.Equal(first, firstAgain);
        Assert.Equal(second, secondAgain);
    }

    private static float Pick(DeterministicRandom random, float low, float high) => random.NextInt(4) switch
    {
        0 => low,
        1 => high,
        _ => (float)random.NextDouble(low, high),
    };
}
