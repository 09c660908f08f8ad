using FoolingCluster.Attacks.Criteria;
using FoolingCluster.Attacks.Decision;
using FoolingCluster.Attacks.Tests.Support;
using FoolingCluster.Tensors;
using Xunit;

namespace FoolingCluster.Attacks.Tests;

/// <summary>The template every decision attack runs through, the oracle it asks, and the result it returns, on a tiny network.</summary>
public class DecisionAttackTests
{
    private const int Count = 8;
    private static readonly int[] s_labels = [0, 1, 2, 0, 1, 2, 0, 1];
    private readonly ModuleAttackModel _model = new(new TinyNet(seed: 11));

    private static Tensor Inputs(int seed = 12) => Tensor.Wrap(TinyNet.Images(Count, seed), Count, 1, 3, 4);

    [Fact]
    public void The_oracle_judges_a_subset_of_candidates_against_their_own_samples_and_counts_queries()
    {
        Tensor x = Inputs();
        bool[] all = new DecisionOracle(_model, new Misclassification(s_labels)).IsAdversarial(x);
        var oracle = new DecisionOracle(_model, new Misclassification(s_labels));
        int[] samples = [6, 1, 3];
        float[] rows = samples.SelectMany(i => x.ToArray().Skip(i * TinyNet.Pixels).Take(TinyNet.Pixels)).ToArray();

        bool[] some = oracle.IsAdversarial(Tensor.Wrap(rows, 3, 1, 3, 4), samples);

        Assert.Equal(samples.Select(i => all[i]), some);
        Assert.Equal(3, oracle.Queries);
        Assert.Throws<ShapeMismatchException>(() => oracle.IsAdversarial(Tensor.Wrap(rows, 3, 1, 3, 4), [0, 1]));
    }

    [Theory]
    [InlineData(1.5f)]
    [InlineData(-0.01f)]
    [InlineData(float.NaN)]
    public void Inputs_and_starting_points_outside_the_unit_interval_are_refused(float bad)
    {
        Tensor x = Inputs();
        x[(3 * TinyNet.Pixels) + 5] = bad;
        var ex = Assert.Throws<InvalidInputException>(() => new SaltAndPepperNoise(steps: 2).Run(_model, x, s_labels));
        Assert.Contains("value 5 of image 3", ex.Message);
        ex = Assert.Throws<InvalidInputException>(() => new BoundaryAttack(steps: 2).Run(_model, Inputs(), s_labels, x));
        Assert.Contains("starting points", ex.Message);
    }

    [Fact]
    public void Mismatched_criteria_and_starting_points_are_refused()
    {
        Assert.Throws<ShapeMismatchException>(() => new SaltAndPepperNoise(steps: 2).Run(_model, Inputs(), s_labels.AsSpan(0, 3)));
        Tensor fewer = Tensor.Wrap(TinyNet.Images(2, 1), 2, 1, 3, 4);
        Assert.Throws<ShapeMismatchException>(() => new PointwiseAttack().Run(_model, Inputs(), s_labels, fewer));
    }

    [Fact]
    public void Starting_points_that_are_not_adversarial_are_returned_as_they_are_and_reported_as_failures()
    {
        Tensor x = Inputs();
        bool[] clean = new Misclassification(s_labels).IsAdversarial(_model.Logits(x));
        Assert.Contains(false, clean);

        // The inputs themselves as starting points: nothing to walk from, nothing to reset.
        foreach (DecisionAttack attack in new DecisionAttack[] { new BoundaryAttack(steps: 20), new PointwiseAttack() })
        {
            DecisionResult result = attack.Run(_model, x, s_labels, x);
            Assert.Equal(x.ToArray(), result.Adversarials.ToArray());
            Assert.Equal(clean, result.Success);
            Assert.All(result.Distances, d => Assert.Equal(0, d));
        }
    }

    [Fact]
    public void Seeds_make_noise_attacks_reproducible()
    {
        float[] a = new SaltAndPepperNoise(steps: 20, seed: 1).Run(_model, Inputs(), s_labels).Adversarials.ToArray();
        float[] b = new SaltAndPepperNoise(steps: 20, seed: 1).Run(_model, Inputs(), s_labels).Adversarials.ToArray();
        float[] c = new SaltAndPepperNoise(steps: 20, seed: 2).Run(_model, Inputs(), s_labels).Adversarials.ToArray();
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void Accuracy_within_epsilon_counts_failures_and_far_adversarials_as_robust()
    {
        var result = new DecisionResult(Tensor.Zeros(4, 1), [true, true, false, true], [0, 5, 1, 12], "L0", Queries: 0);
        Assert.Equal(0.75, result.AccuracyWithin(4.9));
        Assert.Equal(0.5, result.AccuracyWithin(5));
        Assert.Equal(0.25, result.AccuracyWithin(12));
        Assert.Equal(0.75, result.SuccessRate);
        Assert.Equal([0, 5, double.PositiveInfinity, 12], result.PerturbationSizes());

        // Sizes 0, 5, 12, ∞: the median is (5 + 12)/2; with half failed it is infinite.
        Assert.Equal(8.5, result.MedianDistance());
        Assert.Equal(double.PositiveInfinity, (result with { Success = [false, false, true, true] }).MedianDistance());
    }

    [Fact]
    public void Gaussian_draws_have_zero_mean_and_unit_variance()
    {
        var random = new NoiseSource(5);
        float[] draws = new float[100_001];
        random.FillGaussian(draws);
        double mean = draws.Average(v => (double)v);
        double variance = draws.Average(v => (v - mean) * (v - mean));
        Assert.InRange(mean, -0.01, 0.01);
        Assert.InRange(variance, 0.98, 1.02);
        Assert.InRange(draws.Count(v => Math.Abs(v) > 1.96) / (double)draws.Length, 0.045, 0.055);
    }
}
