using FoolingCluster.Attacks.Criteria;
using FoolingCluster.Attacks.Minimization;
using FoolingCluster.Attacks.Tests.Support;
using FoolingCluster.Models.Data;
using FoolingCluster.Models.Training;
using FoolingCluster.Tensors;
using Xunit;
using Xunit.Abstractions;

namespace FoolingCluster.Attacks.Tests;

/// <summary>Gradient-ascent fooling images (Nguyen et al. 2015, §3.9) on the trained LeNet.</summary>
[Collection(TrainedLeNetGroup.Name)]
public class FoolingAscentTests(TrainedLeNet lenet, ITestOutputHelper output)
{
    /// <summary>Noise images per class.</summary>
    private const int PerClass = 3;

    /// <summary>Iterations allowed; the default ascent needs about 40 from noise.</summary>
    private const int MaxIterations = 200;

    [Fact]
    public void Every_class_reaches_99_99_percent_from_noise_with_monotone_milestones()
    {
        int[] classes = Enumerable.Range(0, 10 * PerClass).Select(i => i % 10).ToArray();
        var ascent = new FoolingAscent(maxIterations: MaxIterations);
        FoolingAscentResult result = ascent.RunFromNoise(new ModuleLogitGradientModel(lenet.Net), classes, [1, 28, 28], seed: 41);

        output.WriteLine($"{ascent.Describe()}: median iterations to 99 % {result.MedianIterations(t => t.To99)}, 99.9 % {result.MedianIterations(t => t.To999)}, 99.99 % {result.MedianIterations(t => t.To9999)}, most {result.Traces.Max(t => t.Iterations)}");
        Assert.Equal(classes.Length, result.Count);
        float[] images = result.Images.ToArray();
        Assert.All(images, v => Assert.InRange(v, 0f, 1f));
        double[] probabilities = Probabilities(images, classes);
        for (int i = 0; i < classes.Length; i++)
        {
            FoolingTrace t = result.Traces[i];
            Assert.Equal(classes[i], t.Class);
            Assert.True(t.Reached, $"image {i} (class {classes[i]}) stopped at {t.Probability:P4} after {t.Iterations} iterations");
            Assert.True(t.To99 <= t.To999 && t.To999 <= t.To9999, $"image {i}: milestones {t.To99}, {t.To999}, {t.To9999} out of order");
            Assert.Equal(t.Iterations, t.To9999);
            Assert.InRange(t.Iterations, 1, MaxIterations);

            // Judged again through the evaluation path, from the returned pixels.
            Assert.True(probabilities[i] >= FoolingAscent.Target, $"image {i}: the network gives class {classes[i]} {probabilities[i]:P4}");
            Assert.Equal(probabilities[i], t.Probability, 4);
        }

        Assert.Equal(1.0, result.ReachedRate);
        var asLabelled = new ImageDataset(images, classes.Select(c => (byte)c).ToArray(), 1, 28, 28);
        Assert.Equal(1.0, Evaluation.Evaluate(lenet.Net, asLabelled).Accuracy);
    }

    [Fact]
    public void The_noise_is_reproducible_from_the_seed_and_the_start_is_left_alone()
    {
        var model = new ModuleLogitGradientModel(lenet.Net);
        var ascent = new FoolingAscent(maxIterations: 5);
        float[] a = ascent.RunFromNoise(model, [3, 7], [1, 28, 28], seed: 1).Images.ToArray();
        float[] b = ascent.RunFromNoise(model, [3, 7], [1, 28, 28], seed: 1).Images.ToArray();
        float[] c = ascent.RunFromNoise(model, [3, 7], [1, 28, 28], seed: 2).Images.ToArray();
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);

        using TensorScope scope = TensorScope.Begin();
        Tensor start = FoolingAscent.UniformNoise(2, [1, 28, 28], seed: 3);
        float[] before = start.ToArray();
        ascent.Run(model, start, [3, 7]);
        Assert.Equal(before, start.ToArray());
    }

    [Fact]
    public void A_digit_can_be_pushed_to_another_class_and_a_stalled_climb_reports_no_milestone()
    {
        var model = new ModuleLogitGradientModel(lenet.Net);
        Tensor digits = Tensor.Wrap(lenet.Test.Images.AsSpan(0, 4 * 784).ToArray(), 4, 1, 28, 28);
        int[] others = lenet.Labels[..4].Select(l => (l + 5) % 10).ToArray();
        FoolingAscentResult pushed = new FoolingAscent(maxIterations: MaxIterations).Run(model, digits, others);
        Assert.All(pushed.Traces, t => Assert.True(t.Reached, $"class {t.Class} stopped at {t.Probability:P4}"));
        Assert.Equal(others, Criterion.Predictions(model.Logits(pushed.Images)));

        // A step far too small to climb: every trace runs out of iterations without a milestone.
        FoolingAscentResult stalled = new FoolingAscent(stepSize: 1e-6f, maxIterations: 3).Run(model, digits, others);
        Assert.All(stalled.Traces, t =>
        {
            Assert.False(t.Reached);
            Assert.Null(t.To99);
            Assert.Equal(3, t.Iterations);
        });
        Assert.Equal(0, stalled.ReachedRate);
        Assert.True(double.IsNaN(stalled.MedianIterations(t => t.To9999)));
    }

    [Fact]
    public void Classes_outside_the_model_and_starts_outside_the_box_are_refused()
    {
        var model = new ModuleLogitGradientModel(lenet.Net);
        var ascent = new FoolingAscent(maxIterations: 2);
        Assert.Throws<ArgumentOutOfRangeException>(() => ascent.RunFromNoise(model, [3, 10], [1, 28, 28], seed: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => ascent.RunFromNoise(model, [], [1, 28, 28], seed: 1));
        using TensorScope scope = TensorScope.Begin();
        Tensor start = FoolingAscent.UniformNoise(1, [1, 28, 28], seed: 1);
        start[5] = 1.5f;
        Assert.Throws<InvalidInputException>(() => ascent.Run(model, start, [3]));
        Assert.Throws<ShapeMismatchException>(() => ascent.Run(model, start, [3, 4]));
    }

    /// <summary>Softmax probability of each image's class, from the network's own forward pass.</summary>
    private double[] Probabilities(float[] images, int[] classes)
    {
        int n = classes.Length;
        double[] p = new double[n];
        using TensorScope scope = TensorScope.Begin();
        using var noGrad = Tensors.Autograd.NoGradScope.Begin();
        Tensor logits = lenet.Net.Forward(Tensor.FromArray(images, n, 1, 28, 28));
        for (int i = 0; i < n; i++)
        {
            double max = double.NegativeInfinity;
            for (int k = 0; k < 10; k++)
            {
                max = Math.Max(max, logits[(i * 10) + k]);
            }

            double sum = 0;
            for (int k = 0; k < 10; k++)
            {
                sum += Math.Exp(logits[(i * 10) + k] - max);
            }

            p[i] = Math.Exp(logits[(i * 10) + classes[i]] - max) / sum;
        }

        return p;
    }
}
