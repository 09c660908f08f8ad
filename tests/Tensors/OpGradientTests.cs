using FoolingCluster.Tensors.Ops;
using FoolingCluster.Tensors.Tests.Support;
using Xunit;

namespace FoolingCluster.Tensors.Tests;

/// <summary>Every differentiable op's backward against central finite differences.</summary>
public class OpGradientTests
{
    public static TheoryData<int[]> Shapes => new() { new[] { 1 }, new[] { 5 }, new[] { 1, 1 }, new[] { 3, 4 }, new[] { 2, 3, 1, 3 } };

    public static TheoryData<int, int> Matrices => new() { { 1, 1 }, { 1, 5 }, { 4, 1 }, { 3, 7 }, { 5, 2 } };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Binary_arithmetic(int[] shape)
    {
        var rng = new Random(10);
        GradCheck.Check(x => Functional.Add(x[0], x[1]), [GradCheck.Uniform(rng, -1, 1, shape), GradCheck.Uniform(rng, -1, 1, shape)]);
        GradCheck.Check(x => Functional.Sub(x[0], x[1]), [GradCheck.Uniform(rng, -1, 1, shape), GradCheck.Uniform(rng, -1, 1, shape)]);
        GradCheck.Check(x => Functional.Mul(x[0], x[1]), [GradCheck.Uniform(rng, -1, 1, shape), GradCheck.Uniform(rng, -1, 1, shape)]);
        GradCheck.Check(x => Functional.Div(x[0], x[1]), [GradCheck.Uniform(rng, -1, 1, shape), GradCheck.Uniform(rng, 0.5f, 2, shape)], h: 1e-3);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Unary_arithmetic(int[] shape)
    {
        var rng = new Random(11);
        GradCheck.Check(x => Functional.AddScalar(x[0], 0.3f), [GradCheck.Uniform(rng, -1, 1, shape)]);
        GradCheck.Check(x => Functional.MulScalar(x[0], -1.7f), [GradCheck.Uniform(rng, -1, 1, shape)]);
        GradCheck.Check(x => Functional.Square(x[0]), [GradCheck.Uniform(rng, -1, 1, shape)]);
        GradCheck.Check(x => Functional.Exp(x[0]), [GradCheck.Uniform(rng, -2, 2, shape)], h: 1e-3);
        GradCheck.Check(x => Functional.Log(x[0]), [GradCheck.Uniform(rng, 0.5f, 3, shape)], h: 1e-3);
        GradCheck.Check(x => Functional.Clamp(x[0], -0.5f, 0.5f), [GradCheck.AwayFrom(rng, -1, 1, [-0.5f, 0.5f], 0.03f, shape)]);
        GradCheck.Check(x => Functional.Sign(x[0]), [GradCheck.AwayFrom(rng, -1, 1, [0f], 0.03f, shape)]);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Shape_ops_and_reductions(int[] shape)
    {
        var rng = new Random(12);
        GradCheck.Check(x => Functional.Reshape(x[0], -1), [GradCheck.Uniform(rng, -1, 1, shape)]);
        GradCheck.Check(x => Functional.Flatten(x[0]), [GradCheck.Uniform(rng, -1, 1, shape)]);
        GradCheck.Check(x => Functional.Sum(x[0]), [GradCheck.Uniform(rng, -1, 1, shape)]);
        GradCheck.Check(x => Functional.Mean(x[0]), [GradCheck.Uniform(rng, -1, 1, shape)]);
        GradCheck.Check(x => Functional.SumPerSample(x[0]), [GradCheck.Uniform(rng, -1, 1, shape)]);
    }

    [Theory]
    [MemberData(nameof(Matrices))]
    public void Matmul_and_linear(int rows, int cols)
    {
        var rng = new Random(13);
        GradCheck.Check(x => Functional.MatMul(x[0], x[1]), [GradCheck.Uniform(rng, -1, 1, rows, cols), GradCheck.Uniform(rng, -1, 1, cols, 3)]);
        GradCheck.Check(x => Functional.Linear(x[0], x[1], x[2]), [GradCheck.Uniform(rng, -1, 1, rows, cols), GradCheck.Uniform(rng, -1, 1, 4, cols), GradCheck.Uniform(rng, -1, 1, 4)]);
        GradCheck.Check(x => Functional.Linear(x[0], x[1], null), [GradCheck.Uniform(rng, -1, 1, rows, cols), GradCheck.Uniform(rng, -1, 1, 2, cols)]);
    }

    [Theory]
    [MemberData(nameof(Matrices))]
    public void Softmax_family_and_cross_entropy(int rows, int cols)
    {
        var rng = new Random(14);
        GradCheck.Check(x => Functional.Softmax(x[0]), [GradCheck.Uniform(rng, -2, 2, rows, cols)], h: 1e-3);
        GradCheck.Check(x => Functional.LogSoftmax(x[0]), [GradCheck.Uniform(rng, -2, 2, rows, cols)], h: 1e-3);
        int[] labels = Enumerable.Range(0, rows).Select(i => (i * 7) % cols).ToArray();
        foreach (Reduction r in Enum.GetValues<Reduction>())
        {
            GradCheck.Check(x => Functional.CrossEntropy(x[0], labels, r), [GradCheck.Uniform(rng, -2, 2, rows, cols)], h: 1e-3);
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Regression_losses_and_kl(int[] shape)
    {
        var rng = new Random(15);
        foreach (Reduction r in Enum.GetValues<Reduction>())
        {
            GradCheck.Check(x => Functional.BinaryCrossEntropy(x[0], x[1], r), [GradCheck.Uniform(rng, 0.1f, 0.9f, shape), GradCheck.Uniform(rng, 0, 1, shape)], h: 1e-3);
            GradCheck.Check(x => Functional.MseLoss(x[0], x[1], r), [GradCheck.Uniform(rng, -1, 1, shape), GradCheck.Uniform(rng, -1, 1, shape)]);
        }

        GradCheck.Check(x => Functional.GaussianKl(x[0], x[1]), [GradCheck.Uniform(rng, -1, 1, shape), GradCheck.Uniform(rng, -1, 1, shape)], h: 1e-3);
    }

    [Theory]
    [InlineData(new[] { 4, 3 })]
    [InlineData(new[] { 2, 1, 3, 3 })]
    [InlineData(new[] { 3, 2, 1, 1 })]
    [InlineData(new[] { 1, 2, 2, 3 })]
    public void Batch_norm_in_training_and_evaluation(int[] shape)
    {
        var rng = new Random(16);
        int c = shape[1];
        foreach (bool training in new[] { true, false })
        {
            Tensor rm = GradCheck.Uniform(rng, -0.5f, 0.5f, c);
            Tensor rv = GradCheck.Uniform(rng, 0.5f, 1.5f, c);
            float[] rmStart = rm.ToArray(), rvStart = rv.ToArray();
            GradCheck.Check(
                x =>
                {
                    // Each evaluation starts from the same running statistics.
                    rmStart.CopyTo(rm.Span);
                    rvStart.CopyTo(rv.Span);
                    return Functional.BatchNorm(x[0], x[1], x[2], rm, rv, training);
                },
                [GradCheck.Uniform(rng, -2, 2, shape), GradCheck.Uniform(rng, 0.5f, 1.5f, c), GradCheck.Uniform(rng, -1, 1, c)],
                h: 1e-3,
                atol: 5e-3);
        }
    }

    [Fact]
    public void Dropout_with_a_fixed_mask()
    {
        var rng = new Random(17);
        GradCheck.Check(x => Functional.Dropout(x[0], 0.4f, training: true, new Random(3)), [GradCheck.Uniform(rng, -1, 1, 6, 7)]);
    }
}
