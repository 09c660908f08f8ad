using FoolingCluster.Tensors.Ops;
using FoolingCluster.Tensors.Tests.Support;
using Xunit;

namespace FoolingCluster.Tensors.Tests;

/// <summary>Forward values against the definitions, computed here in double.</summary>
public class OpForwardTests
{
    [Fact]
    public void Softmax_rows_sum_to_one_and_match_the_definition()
    {
        Tensor x = GradCheck.Uniform(new Random(1), -30, 30, 5, 11);
        Tensor p = Functional.Softmax(x);
        Tensor lp = Functional.LogSoftmax(x);
        for (int i = 0; i < 5; i++)
        {
            double max = Enumerable.Range(0, 11).Max(j => (double)x[i, j]);
            double z = Enumerable.Range(0, 11).Sum(j => Math.Exp(x[i, j] - max));
            for (int j = 0; j < 11; j++)
            {
                double expected = Math.Exp(x[i, j] - max) / z;
                Assert.Equal(expected, p[i, j], 1e-6);
                Assert.Equal(Math.Log(expected), lp[i, j], 1e-4);
            }
        }
    }

    [Fact]
    public void Cross_entropy_is_negative_log_softmax_of_the_label()
    {
        Tensor x = GradCheck.Uniform(new Random(2), -5, 5, 4, 3);
        int[] labels = [0, 2, 1, 2];
        Tensor lp = Functional.LogSoftmax(x);
        Tensor none = Functional.CrossEntropy(x, labels, Reduction.None);
        Tensor mean = Functional.CrossEntropy(x, labels);
        Tensor sum = Functional.CrossEntropy(x, labels, Reduction.Sum);
        double total = 0;
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(-lp[i, labels[i]], none[i], 1e-5);
            total += -lp[i, labels[i]];
        }

        Assert.Equal(total, sum[0], 1e-4);
        Assert.Equal(total / 4, mean[0], 1e-5);
        Assert.Empty(mean.Shape);
    }

    [Fact]
    public void Batch_norm_training_normalises_and_updates_running_statistics_like_pytorch()
    {
        Tensor x = GradCheck.Uniform(new Random(3), -3, 5, 4, 2, 3, 3);
        Tensor gamma = Tensor.Full(1f, 2), beta = Tensor.Zeros(2);
        Tensor rm = Tensor.Zeros(2), rv = Tensor.Full(1f, 2);
        Tensor y = Functional.BatchNorm(x, gamma, beta, rm, rv, training: true);
        for (int c = 0; c < 2; c++)
        {
            var values = new List<double>();
            var outputs = new List<double>();
            for (int n = 0; n < 4; n++)
            {
                for (int k = 0; k < 9; k++)
                {
                    values.Add(x[(((n * 2) + c) * 9) + k]);
                    outputs.Add(y[(((n * 2) + c) * 9) + k]);
                }
            }

            double mu = values.Average();
            double unbiased = values.Sum(v => (v - mu) * (v - mu)) / (values.Count - 1);
            Assert.Equal(0, outputs.Average(), 1e-5);
            Assert.Equal(0.1 * mu, rm[c], 1e-5);
            Assert.Equal(0.9 + (0.1 * unbiased), rv[c], 1e-4);
        }
    }

    [Fact]
    public void Dropout_keeps_the_expected_value_and_is_identity_in_evaluation()
    {
        Tensor x = Tensor.Full(1f, 100_000);
        Tensor y = Functional.Dropout(x, 0.3f, training: true, new Random(5));
        double mean = y.ToArray().Average();
        Assert.InRange(mean, 0.98, 1.02);
        Assert.InRange(y.ToArray().Count(v => v == 0f) / 100_000.0, 0.29, 0.31);
        Assert.Equal(x.ToArray(), Functional.Dropout(x, 0.3f, training: false, new Random(5)).ToArray());
    }

    [Fact]
    public void Binary_cross_entropy_clamps_logs_at_minus_100_like_pytorch()
    {
        Tensor p = Tensor.FromArray([0f, 1f], 2);
        Tensor t = Tensor.FromArray([1f, 0f], 2);
        Tensor loss = Functional.BinaryCrossEntropy(p, t, Reduction.None);
        Assert.Equal(100f, loss[0]);
        Assert.Equal(100f, loss[1]);
    }

    [Fact]
    public void Mismatched_shapes_name_both_shapes()
    {
        var ex = Assert.Throws<ShapeMismatchException>(() => Functional.Add(Tensor.Zeros(2, 3), Tensor.Zeros(3, 2)));
        Assert.Contains("[2,3]", ex.Message);
        Assert.Contains("[3,2]", ex.Message);
        var lin = Assert.Throws<ShapeMismatchException>(() => Functional.Linear(Tensor.Zeros(4, 7), Tensor.Zeros(10, 8), null));
        Assert.Contains("[4,7]", lin.Message);
        Assert.Contains("[10,8]", lin.Message);
    }
}
