using FoolingCluster.Evolution.Randomness;
using FoolingCluster.Evolution.Variation;
using Xunit;

namespace FoolingCluster.Evolution.Tests.Variation;

public class PolynomialMutationTests
{
    [Theory]
    [InlineData(0f, 1f, 15f)]
    [InlineData(0f, 1f, 1f)]
    [InlineData(-10f, 10f, 10f)]
    [InlineData(-3f, -2f, 50f)]
    public void Results_stay_within_bounds_for_random_values_and_values_at_the_bounds(float low, float high, float eta)
    {
        var random = new DeterministicRandom(11);
        float[] special = [low, high, BitDecrement(high), BitIncrement(low), (low + high) / 2];
        for (int i = 0; i < 20_000; i++)
        {
            float value = i < special.Length * 100 ? special[i % special.Length] : (float)random.NextDouble(low, high);
            float mutated = PolynomialMutation.Mutate(value, low, high, eta, random);
            Assert.True(mutated >= low && mutated <= high, $"{value} mutated to {mutated}, outside [{low}, {high}]");
        }
    }

    [Fact]
    public void Values_outside_the_bounds_are_brought_back_inside()
    {
        var random = new DeterministicRandom(12);
        for (int i = 0; i < 1000; i++)
        {
            Assert.InRange(PolynomialMutation.Mutate(-5f, 0f, 1f, 15f, random), 0f, 1f);
            Assert.InRange(PolynomialMutation.Mutate(7f, 0f, 1f, 15f, random), 0f, 1f);
        }
    }

    [Fact]
    public void Mutation_almost_always_changes_an_interior_value_and_is_unbiased()
    {
        var random = new DeterministicRandom(13);
        const int n = 50_000;
        int changed = 0;
        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            float mutated = PolynomialMutation.Mutate(0.5f, 0f, 1f, 15f, random);
            if (mutated != 0.5f)
            {
                changed++;
            }

            sum += mutated - 0.5;
        }

        Assert.True(changed > 0.99 * n, $"only {changed} of {n} mutations changed the value");
        Assert.InRange(sum / n, -0.002, 0.002);
    }

    [Theory]
    [InlineData(1f)]
    [InlineData(5f)]
    [InlineData(15f)]
    [InlineData(50f)]
    public void Mean_step_from_the_centre_matches_the_polynomial_distribution(float eta)
    {
        // Sferes2's form: each half draws |δ| = 1 − u^p for u uniform in [0,1), p = 1/(η+1),
        // and the result is clamped to the bounds, so from the centre the step is
        // min(1 − u^p, ½). Its mean is integrated numerically here.
        double p = 1.0 / (eta + 1);
        const int grid = 200_000;
        double expected = 0;
        for (int i = 0; i < grid; i++)
        {
            double u = (i + 0.5) / grid;
            expected += Math.Min(1 - Math.Pow(u, p), 0.5);
        }

        expected /= grid;
        var random = new DeterministicRandom(14);
        const int n = 100_000;
        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            sum += Math.Abs(PolynomialMutation.Mutate(0.5f, 0f, 1f, eta, random) - 0.5);
        }

        Assert.InRange(sum / n, 0.98 * expected, 1.02 * expected);
    }

    [Fact]
    public void The_step_scales_with_the_width_of_the_bounds()
    {
        var narrow = new DeterministicRandom(18);
        var wide = new DeterministicRandom(18);

        for (int i = 0; i < 1000; i++)
        {
            float unit = PolynomialMutation.Mutate(0.25f, 0f, 1f, 15f, narrow);
            float scaled = PolynomialMutation.Mutate(-5f, -10f, 10f, 15f, wide);
            Assert.Equal(-10f + (20f * unit), scaled, 1e-4f);
        }
    }

    [Fact]
    public void Larger_eta_gives_a_smaller_spread()
    {
        double previous = double.PositiveInfinity;
        foreach (float eta in new[] { 1f, 5f, 15f, 50f, 200f })
        {
            var random = new DeterministicRandom(15);
            double sum = 0;
            for (int i = 0; i < 20_000; i++)
            {
                float v = PolynomialMutation.Mutate(0.3f, 0f, 1f, eta, random);
                sum += (v - 0.3) * (v - 0.3);
            }

            double spread = Math.Sqrt(sum / 20_000);
            Assert.True(spread < previous, $"η = {eta} spreads {spread}, not less than {previous} for the smaller η");
            previous = spread;
        }
    }

    [Fact]
    public void At_the_lower_bound_a_value_can_only_stay_or_move_up()
    {
        var random = new DeterministicRandom(16);
        int moved = 0;
        for (int i = 0; i < 10_000; i++)
        {
            float v = PolynomialMutation.Mutate(0f, 0f, 1f, 15f, random);
            Assert.True(v >= 0f);
            if (v > 0f)
            {
                moved++;
            }
        }

        // Half the draws push towards the bound and are absorbed by it; the other half move up.
        Assert.InRange(moved, 4500, 5500);
    }

    [Fact]
    public void Same_generator_state_gives_the_same_result()
    {
        var a = new DeterministicRandom(17);
        var b = new DeterministicRandom(17);

        for (int i = 0; i < 100; i++)
        {
            Assert.Equal(PolynomialMutation.Mutate(0.25f, 0f, 1f, 15f, a), PolynomialMutation.Mutate(0.25f, 0f, 1f, 15f, b));
        }
    }

    private static float BitDecrement(float x) => MathF.BitDecrement(x);

    private static float BitIncrement(float x) => MathF.BitIncrement(x);
}
