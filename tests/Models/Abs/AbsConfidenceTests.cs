using FoolingCluster.Models.Abs;
using Xunit;

namespace FoolingCluster.Models.Tests.Abs;

/// <summary>ABS's calibrated probabilities, and the logits that carry them through a plain softmax.</summary>
public class AbsConfidenceTests
{
    private const float Alpha = 440f;
    private const double Eta = 3.9e-5;

    [Fact]
    public void Probabilities_follow_the_papers_formula()
    {
        float[] logits = [-0.010f, -0.020f, -0.012f, -0.05f, -0.031f, -0.011f, -0.2f, -0.015f, -0.019f, -0.04f];
        float[] p = AbsConfidence.Probabilities(logits, 10, Alpha, Eta);

        double denominator = logits.Sum(l => Math.Exp(Alpha * l)) + (10 * Eta);
        for (int k = 0; k < 10; k++)
        {
            Assert.Equal((Math.Exp(Alpha * logits[k]) + Eta) / denominator, p[k], 6);
        }

        Assert.Equal(1.0, p.Sum(v => (double)v), 5);
    }

    [Fact]
    public void Confidence_stays_below_one_even_for_a_perfect_explanation()
    {
        float[] logits = [0f, -1f, -1f, -1f, -1f, -1f, -1f, -1f, -1f, -1f];
        float top = AbsConfidence.Probabilities(logits, 10, Alpha, Eta)[0];
        Assert.True(top < 1 - (8 * Eta), $"top probability {top}");
    }

    [Theory]
    [InlineData(-0.01f)]
    [InlineData(-0.05f)]
    [InlineData(-0.15f)]
    public void Softmax_of_the_calibrated_logits_is_the_calibrated_probability_and_keeps_the_ranking(float best)
    {
        float[] logits = Enumerable.Range(0, 10).Select(k => best - (0.003f * k)).Reverse().ToArray();
        var calibrated = new float[10];
        AbsConfidence.CalibratedLogits(logits, Alpha, Eta, calibrated);

        float[] expected = AbsConfidence.Probabilities(logits, 10, Alpha, Eta);
        double max = calibrated.Max();
        double sum = calibrated.Sum(c => Math.Exp(c - max));
        for (int k = 0; k < 10; k++)
        {
            Assert.Equal(expected[k], Math.Exp(calibrated[k] - max) / sum, 5);
        }

        // Far from every class (ELBO 0.15 per pixel) the calibrated values are tiny but still ordered.
        Assert.Equal(9, Array.IndexOf(calibrated, calibrated.Max()));
        Assert.True(calibrated.Distinct().Count() == 10, "every class keeps a distinct value");
    }
}
