using FoolingCluster.Attacks.Decision;
using FoolingCluster.Attacks.Gradient;
using FoolingCluster.Attacks.Tests.Support;
using FoolingCluster.Tensors;
using Xunit;

namespace FoolingCluster.Attacks.Tests;

/// <summary>Gradients estimated from logits alone point where the tape's gradients point, and gradient attacks run on them.</summary>
[Collection(TrainedLeNetGroup.Name)]
public class GradientEstimatorTests(TrainedLeNet lenet)
{
    [Fact]
    public void Coordinate_wise_differences_agree_with_the_tape_gradient()
    {
        double[] cosines = Cosines(GradientEstimator.CoordinateWise(LogitsOnlyModel.From(lenet.Model)), images: 3);
        Assert.All(cosines, c => Assert.True(c > 0.95, $"cosine {c:F3} to the tape gradient"));
    }

    [Fact]
    public void Antithetic_directions_agree_with_the_tape_gradient_given_enough_samples()
    {
        // Expected cosine 1/√(1 + 785/8000) ≈ 0.95 for 8,000 pairs in 784 dimensions.
        double[] cosines = Cosines(GradientEstimator.Antithetic(LogitsOnlyModel.From(lenet.Model), samples: 16_000, seed: 1), images: 2);
        Assert.All(cosines, c => Assert.True(c > 0.9, $"cosine {c:F3} to the tape gradient"));

        // And with few samples the estimate is still far better than chance (±1/√784 ≈ 0.04) but far from the truth.
        double[] rough = Cosines(GradientEstimator.Antithetic(LogitsOnlyModel.From(lenet.Model), samples: 100, seed: 1), images: 2);
        Assert.All(rough, c => Assert.InRange(c, 0.15, 0.6));
    }

    [Fact]
    public void Pgd_through_the_estimator_lowers_accuracy_without_a_single_gradient_call()
    {
        var subset = new LeNetSubset(lenet, 50);
        var estimator = GradientEstimator.Antithetic(LogitsOnlyModel.From(lenet.Model), samples: 50, seed: 2);
        AttackResult result = new LinfPgd(steps: 10, relativeStepSize: 0.2f).Run(estimator, subset.Images(), subset.Labels, [0.3f]);

        double clean = subset.Accuracy(subset.Pixels);
        double attacked = subset.Accuracy(result.Clipped[0].ToArray());
        Assert.True(attacked < clean, $"accuracy {attacked:P0} under PGD with estimated gradients, {clean:P0} clean");
        Assert.True(attacked <= 0.6, $"accuracy {attacked:P0} under PGD with estimated gradients, expected at most 60 %");

        // 10 steps × 50 images × 50 probes, plus the template's final check.
        Assert.Equal((10 * 50 * 50) + 50, estimator.Queries);
    }

    [Fact]
    public void Logit_gradients_from_differences_agree_with_the_tape_for_every_seed()
    {
        var subset = new LeNetSubset(lenet, 2);
        var exact = new ModuleLogitGradientModel(lenet.Net);
        var estimator = GradientEstimator.CoordinateWise(LogitsOnlyModel.From(lenet.Model));

        // Two seeds: the top logit alone, and the difference of the second and the top.
        static Tensor[] Seeds(Tensor logits, int first)
        {
            int n = logits.Shape[0];
            int k = logits.Shape[1];
            var top = Tensor.Zeros(n, k);
            var gap = Tensor.Zeros(n, k);
            for (int i = 0; i < n; i++)
            {
                int[] order = [.. Enumerable.Range(0, k).OrderByDescending(j => logits.Span[(i * k) + j])];
                top.Span[(i * k) + order[0]] = 1;
                gap.Span[(i * k) + order[1]] = 1;
                gap.Span[(i * k) + order[0]] = -1;
            }

            return [top, gap];
        }

        using TensorScope scope = TensorScope.Begin();
        LogitGradients truth = exact.Differentiate(subset.Images(), Seeds);
        LogitGradients estimate = estimator.Differentiate(subset.Images(), Seeds);

        Assert.Equal(truth.Logits.ToArray(), estimate.Logits.ToArray());
        for (int g = 0; g < 2; g++)
        {
            foreach (double cosine in Cosines(truth.Gradients[g].ToArray(), estimate.Gradients[g].ToArray(), 2))
            {
                // Float32 logits differ by little over a step of 1e-3; 0.98 measured.
                Assert.True(cosine > 0.95, $"seed {g}: cosine {cosine:F4} to the tape's gradient");
            }
        }
    }

    [Fact]
    public void DeepFool_through_the_estimator_finds_adversarials_near_the_exact_ones()
    {
        // DeepFool steps along a linearisation, so it needs good estimates: coordinate-wise ones.
        var subset = new LeNetSubset(lenet, 5);
        var estimator = GradientEstimator.CoordinateWise(LogitsOnlyModel.From(lenet.Model));
        Minimization.MinimizationResult estimated = new Minimization.L2DeepFool().Run(estimator, subset.Images(), subset.Labels);
        Minimization.MinimizationResult exact = new Minimization.L2DeepFool().Run(new ModuleLogitGradientModel(lenet.Net), subset.Images(), subset.Labels);

        Assert.True(estimated.SuccessRate >= 0.8, $"DeepFool with estimated gradients fooled {estimated.SuccessRate:P0}");
        Assert.True(estimated.MedianDistance < 1.5 * exact.MedianDistance, $"median L2 {estimated.MedianDistance:F3} estimated, {exact.MedianDistance:F3} exact");
        int[] predicted = subset.Predict(estimated.Adversarials.ToArray());
        Assert.All(Enumerable.Range(0, 5).Where(i => estimated.Success[i]), i => Assert.NotEqual(subset.Labels[i], predicted[i]));
    }

    [Fact]
    public void Hidden_gradients_are_refused_with_the_way_out_named()
    {
        var model = LogitsOnlyModel.From(lenet.Model);
        var ex = Assert.Throws<NotSupportedException>(() => model.LossGradient(new LeNetSubset(lenet, 1).Images(), [0]));
        Assert.Contains(nameof(GradientEstimator), ex.Message);
    }

    [Fact]
    public void The_probe_loss_keeps_its_precision_when_the_model_is_certain()
    {
        // CE = log(1 + 2e⁻³⁰) = 2e⁻³⁰ to double precision; a float log-sum-exp would give 0.
        double certain = GradientEstimator.CrossEntropy([30f, 0f, 0f], 0);
        Assert.True(Math.Abs(certain - (2 * Math.Exp(-30))) <= 1e-12 * certain, $"CE {certain:R}, expected {2 * Math.Exp(-30):R}");
        Assert.Equal(Math.Log(1 + Math.Exp(2)), GradientEstimator.CrossEntropy([0f, 2f], 0), 1e-12);
        Assert.Equal(30 + Math.Log(1 + (2 * Math.Exp(-30))), GradientEstimator.CrossEntropy([30f, 0f, 0f], 1), 1e-12);
    }

    [Fact]
    public void Antithetic_samples_come_in_pairs()
    {
        var model = LogitsOnlyModel.From(lenet.Model);
        Assert.Throws<ArgumentOutOfRangeException>(() => GradientEstimator.Antithetic(model, samples: 7));
        Assert.Throws<ArgumentOutOfRangeException>(() => GradientEstimator.Antithetic(model, samples: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => GradientEstimator.CoordinateWise(model, step: 0f));
    }

    private double[] Cosines(GradientEstimator estimator, int images)
    {
        var subset = new LeNetSubset(lenet, images);
        using TensorScope scope = TensorScope.Begin();
        float[] truth = lenet.Model.LossGradient(subset.Images(), subset.Labels).ToArray();
        float[] estimate = estimator.LossGradient(subset.Images(), subset.Labels).ToArray();
        return Cosines(truth, estimate, images);
    }

    private static double[] Cosines(float[] truth, float[] estimate, int images)
    {
        var cosines = new double[images];
        for (int i = 0; i < images; i++)
        {
            double dot = 0;
            double a = 0;
            double b = 0;
            for (int j = i * 784; j < (i + 1) * 784; j++)
            {
                dot += (double)truth[j] * estimate[j];
                a += (double)truth[j] * truth[j];
                b += (double)estimate[j] * estimate[j];
            }

            cosines[i] = dot / Math.Sqrt(a * b);
        }

        return cosines;
    }
}
