using FoolingCluster.Tensors.NN;
using FoolingCluster.Tensors.Ops;
using FoolingCluster.Tensors.Tests.Support;
using Xunit;

namespace FoolingCluster.Tensors.Tests;

public class BatchNormFoldingTests
{
    [Theory]
    [InlineData(1, true)]
    [InlineData(1, false)]
    [InlineData(2, true)]
    [InlineData(6, false)]
    public void Folded_convolution_equals_convolution_then_inference_batch_norm(int groups, bool withBias)
    {
        var rng = new Random(97);
        Tensor x = GradCheck.Uniform(rng, -1, 1, 2, 6, 9, 8);
        Tensor w = GradCheck.Uniform(rng, -1, 1, 6, 6 / groups, 3, 3);
        Tensor? b = withBias ? GradCheck.Uniform(rng, -1, 1, 6) : null;
        Tensor gamma = GradCheck.Uniform(rng, 0.5f, 2, 6);
        Tensor beta = GradCheck.Uniform(rng, -1, 1, 6);
        Tensor mean = GradCheck.Uniform(rng, -0.5f, 0.5f, 6);
        Tensor variance = GradCheck.Uniform(rng, 0.1f, 3, 6);
        var options = new Conv2dOptions { StrideHeight = 2, Padding = new Padding2d(1, 1, 0, 1), Groups = groups };
        const float Eps = 1e-3f;

        Tensor expected = Functional.BatchNorm(Functional.Conv2d(x, w, b, options), gamma, beta, mean, variance, training: false, eps: Eps);
        (Tensor foldedWeight, Tensor foldedBias) = BatchNormFolding.Fold(w, b, gamma, beta, mean, variance, Eps);
        Tensor actual = Functional.Conv2d(x, foldedWeight, foldedBias, options);

        Assert.Equal(w.Shape, foldedWeight.Shape);
        Assert.Equal(expected.Shape, actual.Shape);
        for (int i = 0; i < expected.Size; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5 * (1 + Math.Abs(expected[i])), $"element {i}: folded {actual[i]:G7}, conv then BN {expected[i]:G7}");
        }
    }

    [Fact]
    public void Folding_refuses_mismatched_parameters_and_a_non_positive_variance()
    {
        Tensor w = Tensor.Zeros(4, 2, 3, 3);
        Tensor ones = Tensor.Full(1f, 4);
        var e = Assert.Throws<ShapeMismatchException>(() => BatchNormFolding.Fold(w, null, Tensor.Full(1f, 3), ones, ones, ones));
        Assert.Equal("batch-norm folding: scale has shape [3] but weight [4,2,3,3] needs [4]", e.Message);
        Assert.Throws<InvalidInputException>(() => BatchNormFolding.Fold(w, null, ones, ones, ones, Tensor.Full(-1f, 4)));
    }
}
