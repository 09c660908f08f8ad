using FoolingCluster.Evolution.Evaluation;
using FoolingCluster.Evolution.Randomness;
using Xunit;

namespace FoolingCluster.Evolution.Tests.Evaluation;

public class SoftmaxTests
{
    [Fact]
    public void Rows_sum_to_one_and_match_a_double_precision_reference()
    {
        var random = new DeterministicRandom(111);
        const int rows = 50;
        const int k = 10;
        float[] logits = [.. Enumerable.Range(0, rows * k).Select(_ => (float)random.NextDouble(-15, 15))];
        var probabilities = new float[rows * k];

        ModuleClassifier.Softmax(logits, probabilities, k);

        for (int row = 0; row < rows; row++)
        {
            double[] expected = Reference(logits.AsSpan(row * k, k));
            double sum = 0;
            for (int j = 0; j < k; j++)
            {
                float p = probabilities[(row * k) + j];
                Assert.Equal((float)expected[j], p);
                Assert.InRange(p, 0f, 1f);
                sum += p;
            }

            Assert.Equal(1.0, sum, 5);
        }
    }

    [Fact]
    public void A_large_logit_gap_gives_a_confidence_above_the_fooling_threshold_without_overflow()
    {
        float[] logits = [0f, 16f, -3f, 1f, 2f, 0.5f, -1f, 3f, 0f, 1.5f];
        var probabilities = new float[10];

        ModuleClassifier.Softmax(logits, probabilities, 10);

        Assert.True(probabilities[1] > 0.9999f, $"confidence {probabilities[1]}");
        Assert.True(probabilities[1] < 1f, "the confidence is rounded to 1");
        Assert.Equal((float)Reference(logits)[1], probabilities[1]);
    }

    [Theory]
    [InlineData(1000f)]
    [InlineData(-1000f)]
    [InlineData(88.8f)]
    [InlineData(1e6f)]
    public void Huge_logits_do_not_overflow(float offset)
    {
        float[] logits = [offset, offset + 5f, offset - 5f];
        var probabilities = new float[3];

        ModuleClassifier.Softmax(logits, probabilities, 3);

        Assert.All(probabilities, p => Assert.True(float.IsFinite(p), $"{p} is not finite"));
        Assert.Equal(1.0, probabilities.Sum(p => (double)p), 5);
        Assert.True(probabilities[1] > probabilities[0] && probabilities[0] >= probabilities[2]);
    }

    [Fact]
    public void Logits_at_the_ends_of_the_float_range_give_a_one_hot_row()
    {
        float[] logits = [-float.MaxValue, float.MaxValue, 1e30f, -1e30f];
        var probabilities = new float[4];

        ModuleClassifier.Softmax(logits, probabilities, 4);

        Assert.Equal([0f, 1f, 0f, 0f], probabilities);
    }

    [Fact]
    public void A_gap_of_one_hundred_gives_certainty_and_subnormal_remainders()
    {
        float[] logits = [100f, 0f, 0f];
        var probabilities = new float[3];

        ModuleClassifier.Softmax(logits, probabilities, 3);

        // e^−100 ≈ 3.7e−45 survives as a float subnormal because the ratio is taken in double.
        float tiny = (float)Math.Exp(-100);
        Assert.True(tiny > 0f);
        Assert.Equal([1f, tiny, tiny], probabilities);
    }

    [Fact]
    public void Equal_logits_give_a_uniform_row()
    {
        float[] logits = [3f, 3f, 3f, 3f, -2f, -2f, -2f, -2f];
        var probabilities = new float[8];

        ModuleClassifier.Softmax(logits, probabilities, 4);

        Assert.All(probabilities, p => Assert.Equal(0.25f, p));
    }

    private static double[] Reference(ReadOnlySpan<float> logits)
    {
        double max = double.NegativeInfinity;
        foreach (float l in logits)
        {
            max = Math.Max(max, l);
        }

        var e = new double[logits.Length];
        double sum = 0;
        for (int j = 0; j < logits.Length; j++)
        {
            e[j] = Math.Exp(logits[j] - max);
            sum += e[j];
        }

        return [.. e.Select(v => v / sum)];
    }
}
