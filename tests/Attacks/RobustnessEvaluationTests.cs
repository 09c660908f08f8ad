using FoolingCluster.Attacks.Reporting;
using FoolingCluster.Attacks.Robustness;
using FoolingCluster.Attacks.Tests.Support;
using FoolingCluster.Tensors;
using Xunit;

namespace FoolingCluster.Attacks.Tests;

/// <summary>
/// The robustness evaluation on the trained LeNet: each image's reported distance is the smallest
/// of the attacks', its closest adversarial is misclassified by the network and lies at that
/// distance, accuracy at the paper's radii falls below clean accuracy, and slices joined equal the
/// whole.
/// </summary>
[Collection(TrainedLeNetGroup.Name)]
public class RobustnessEvaluationTests(TrainedLeNet lenet)
{
    private const int Images = 24;

    private static readonly RobustnessPlan s_plan = RobustnessPlan.Create(["l0", "l2", "linf"], ["pointwise", "fgm", "bim", "deepfool", "fgsm"]);

    [Fact]
    public void Each_images_distance_is_the_smallest_attack_and_its_adversarial_is_real()
    {
        var subset = new LeNetSubset(lenet, Images);
        RobustnessResult result = new RobustnessEvaluation(s_plan).Run(new ModuleLogitGradientModel(lenet.Net), subset.Images(), subset.Labels);

        int[] clean = subset.Predict(subset.Pixels);
        Assert.Equal(clean.Select((p, i) => p == subset.Labels[i]).ToArray(), result.CleanCorrect);
        Assert.Equal(["l0", "l2", "linf"], result.Norms.Select(n => n.Norm));
        foreach (NormRobustness norm in result.Norms)
        {
            int[] predicted = subset.Predict(norm.Adversarials);
            Assert.All(norm.Adversarials, v => Assert.InRange(v, 0f, 1f));
            for (int i = 0; i < Images; i++)
            {
                double least = norm.Attacks.Min(a => a.Distances[i]);
                Assert.Equal(least, norm.Smallest[i]);
                if (!double.IsFinite(least))
                {
                    Assert.Equal(-1, norm.Best[i]);
                    continue;
                }

                Assert.Equal(least, norm.Attacks[norm.Best[i]].Distances[i]);
                Assert.NotEqual(subset.Labels[i], predicted[i]);
                double measured = Measure(norm.Norm, norm.Adversarials.AsSpan(i * 784, 784), subset.Pixels.AsSpan(i * 784, 784));
                Assert.Equal(least, measured, 4);
            }

            // A few dozen images may all survive 12 pixels; 40 of 784 falls to Pointwise on any of them.
            double threshold = norm.Norm == "l0" ? 40 : RobustnessPlan.Threshold(norm.Norm);
            Assert.True(norm.AccuracyWithin(threshold) < result.CleanAccuracy, $"{norm.Norm}: accuracy {norm.AccuracyWithin(threshold)} at {threshold}, clean {result.CleanAccuracy}");
        }
    }

    [Fact]
    public void Slices_evaluated_apart_and_joined_equal_the_whole()
    {
        var subset = new LeNetSubset(lenet, Images);
        var model = new ModuleLogitGradientModel(lenet.Net);
        RobustnessPlan plan = RobustnessPlan.Create(["l2", "linf"], ["fgm", "deepfool", "fgsm"]);
        var evaluation = new RobustnessEvaluation(plan);
        RobustnessResult whole = evaluation.Run(model, subset.Images(), subset.Labels);
        RobustnessResult[] slices =
        [
            evaluation.Run(model, Tensor.Wrap(subset.Pixels[..(10 * 784)], 10, 1, 28, 28), subset.Labels[..10]),
            evaluation.Run(model, Tensor.Wrap(subset.Pixels[(10 * 784)..], Images - 10, 1, 28, 28), subset.Labels[10..]),
        ];

        RobustnessResult joined = RobustnessResult.Concatenate(slices);

        Assert.Equal(whole.CleanCorrect, joined.CleanCorrect);
        Assert.Equal(whole.Labels, joined.Labels);
        for (int k = 0; k < whole.Norms.Count; k++)
        {
            Assert.Equal(whole.Norms[k].Best, joined.Norms[k].Best);
            Assert.Equal(whole.Norms[k].Smallest.Length, joined.Norms[k].Smallest.Length);
            for (int i = 0; i < Images; i++)
            {
                Assert.Equal(whole.Norms[k].Smallest[i], joined.Norms[k].Smallest[i], 5);
            }
        }
    }

    [Fact]
    public void A_binarised_model_is_fooled_only_by_adversarials_that_survive_binarisation()
    {
        var subset = new LeNetSubset(lenet, 12);
        RobustnessPlan plan = RobustnessPlan.Create(["linf"], ["fgsm", "deepfool"], binarize: true);
        RobustnessResult result = new RobustnessEvaluation(plan).Run(new ModuleLogitGradientModel(lenet.Net), subset.Images(), subset.Labels);

        NormRobustness linf = result.Norms[0];
        float[] binarised = [.. linf.Adversarials.Select(v => v >= 0.5f ? 1f : 0f)];
        int[] predicted = subset.Predict(binarised);
        Assert.Contains(linf.Smallest, double.IsFinite);
        for (int i = 0; i < subset.Count; i++)
        {
            if (double.IsFinite(linf.Smallest[i]) && linf.Smallest[i] > 0)
            {
                Assert.NotEqual(subset.Labels[i], predicted[i]);

                // Only a value moved across 0.5 changes what the model sees: none of that needs less than its distance to 0.5.
                Assert.True(linf.Smallest[i] >= subset.Pixels.Skip(i * 784).Take(784).Min(v => Math.Abs(v - 0.5)) - 1e-6);
            }
        }

        Assert.Contains("straight through", plan.DescribeGradients());
    }

    [Fact]
    public void Statistics_count_failures_as_infinite_and_clean_errors_as_zero()
    {
        double[] distances = [0, 0.5, 1, 2, double.PositiveInfinity];
        Assert.Equal(1, RobustnessStatistics.Median(distances));
        Assert.Equal(0.4, RobustnessStatistics.AccuracyWithin(distances, 1));
        Assert.Equal(0.8, RobustnessStatistics.AccuracyWithin(distances, 0));
        Assert.Equal(double.PositiveInfinity, RobustnessStatistics.Median([1, double.PositiveInfinity, double.PositiveInfinity, 0.5, double.PositiveInfinity]));
        (double X, double Y)[] curve = RobustnessStatistics.Curve(distances, 3, 31);
        Assert.Equal((0, 0.8), curve[0]);
        Assert.Equal(0.2, curve[^1].Y, 12);
        Assert.True(curve.Zip(curve.Skip(1)).All(p => p.Second.Y <= p.First.Y));
    }

    [Theory]
    [InlineData(new[] { "l1" }, null, "valid: l0, l2, linf")]
    [InlineData(new[] { "l2", "l2" }, null, "named twice")]
    [InlineData(new[] { "linf" }, new[] { "boundary" }, "none of the attacks boundary works in linf")]
    [InlineData(new[] { "l0" }, new[] { "pointwize" }, "unknown attack 'pointwize'")]
    public void Plans_explain_bad_norms_and_attacks(string[] norms, string[]? attacks, string expected)
    {
        var ex = Assert.Throws<InvalidInputException>(() => RobustnessPlan.Create(norms, attacks));
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void The_report_puts_the_measured_row_beside_the_published_one()
    {
        double[] l2 = [0.5, 1, 2, 3];
        var norm = new NormRobustness("l2", [new AttackDistances("deepfool", "DeepFool", l2, 1)], l2, [0, 0, 0, 0], new float[4 * 784]);
        var result = new RobustnessResult([1, 2, 3, 4], [true, true, true, false], 784, [norm]);
        string md = RobustnessReport.Markdown(result, new RobustnessReportInfo("net", "fooling eval-robustness", "here", "four images", 1), [PublishedRobustness.SchottCnn]);
        Assert.Contains("| net (measured) | 75.0 % | 50.0 % | 1.5 |", md);
        Assert.Contains("| CNN, Schott et al. (2019), published | 99.1 % | 8.0 % | 1.1 |", md);
        Assert.Equal(5, RobustnessReport.Csv(result).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    private static double Measure(string norm, ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double sum = 0;
        double max = 0;
        int changed = 0;
        for (int j = 0; j < a.Length; j++)
        {
            double d = Math.Abs((double)a[j] - b[j]);
            sum += d * d;
            max = Math.Max(max, d);
            changed += d != 0 ? 1 : 0;
        }

        return norm switch { "l0" => changed, "l2" => Math.Sqrt(sum), _ => max };
    }
}
