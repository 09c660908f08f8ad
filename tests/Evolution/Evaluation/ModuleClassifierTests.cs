using FoolingCluster.Evolution.Evaluation;
using FoolingCluster.Evolution.Genomes;
using FoolingCluster.Tensors;
using FoolingCluster.Tensors.NN;
using Xunit;

namespace FoolingCluster.Evolution.Tests.Evaluation;

public class ModuleClassifierTests
{
    private static readonly ImageShape s_shape = new(1, 3, 4);

    [Fact]
    public void Probabilities_are_the_softmax_of_the_model_logits_in_any_batch_size()
    {
        var linear = new Linear(s_shape.Size, 5, new Random(1));
        var model = new Sequential(new Flatten(), linear);
        var random = new Random(2);
        const int count = 7;
        float[] images = [.. Enumerable.Range(0, count * s_shape.Size).Select(_ => (float)random.NextDouble())];
        var whole = new float[count * 5];
        var chunked = new float[count * 5];

        new ModuleClassifier(model, s_shape, 5).Classify(images, count, whole);
        new ModuleClassifier(model, s_shape, 5, maxBatch: 3).Classify(images, count, chunked);

        Assert.False(model.Training);
        Assert.Equal(whole, chunked);
        float[] w = linear.Weight.Span.ToArray();
        float[] b = linear.Bias!.Span.ToArray();
        for (int n = 0; n < count; n++)
        {
            var logits = new double[5];
            for (int k = 0; k < 5; k++)
            {
                logits[k] = b[k];
                for (int i = 0; i < s_shape.Size; i++)
                {
                    logits[k] += w[(k * s_shape.Size) + i] * (double)images[(n * s_shape.Size) + i];
                }
            }

            double max = logits.Max();
            double sum = logits.Sum(l => Math.Exp(l - max));
            for (int k = 0; k < 5; k++)
            {
                Assert.Equal(Math.Exp(logits[k] - max) / sum, whole[(n * 5) + k], 5);
            }
        }
    }

    [Fact]
    public void A_fooling_class_takes_part_in_the_softmax_but_is_not_reported()
    {
        var model = new Sequential(new Flatten(), new Linear(s_shape.Size, 4, new Random(5)));
        var random = new Random(6);
        float[] images = [.. Enumerable.Range(0, 3 * s_shape.Size).Select(_ => (float)random.NextDouble())];
        var all = new float[3 * 4];
        var real = new float[3 * 3];

        new ModuleClassifier(model, s_shape, 4).Classify(images, 3, all);
        var classifier = new ModuleClassifier(model, s_shape, 3, foolingOutputs: 1);
        classifier.Classify(images, 3, real);

        Assert.Equal(3, classifier.Classes);
        for (int n = 0; n < 3; n++)
        {
            Assert.Equal(all.AsSpan(n * 4, 3).ToArray(), real.AsSpan(n * 3, 3).ToArray());
            Assert.True(real.AsSpan(n * 3, 3).ToArray().Sum() < 1);
        }
    }

    [Fact]
    public void A_model_with_another_number_of_classes_is_reported()
    {
        var model = new Sequential(new Flatten(), new Linear(s_shape.Size, 3, new Random(3)));
        var classifier = new ModuleClassifier(model, s_shape, 4);

        Assert.Throws<ShapeMismatchException>(() => classifier.Classify(new float[2 * s_shape.Size], 2, new float[8]));
    }

    [Fact]
    public void Buffers_too_small_for_the_count_are_reported()
    {
        var model = new Sequential(new Flatten(), new Linear(s_shape.Size, 3, new Random(4)));
        var classifier = new ModuleClassifier(model, s_shape, 3);

        Assert.Throws<ShapeMismatchException>(() => classifier.Classify(new float[(2 * s_shape.Size) - 1], 2, new float[6]));
        Assert.Throws<ShapeMismatchException>(() => classifier.Classify(new float[2 * s_shape.Size], 2, new float[5]));
    }

    [Fact]
    public void The_constructor_checks_its_arguments()
    {
        var model = new Sequential(new Flatten(), new Linear(s_shape.Size, 3, new Random(5)));

        Assert.Throws<ArgumentOutOfRangeException>(() => new ModuleClassifier(model, s_shape, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ModuleClassifier(model, s_shape, 3, maxBatch: 0));
        Assert.Throws<ArgumentNullException>(() => new ModuleClassifier(null!, s_shape, 3));
    }
}
