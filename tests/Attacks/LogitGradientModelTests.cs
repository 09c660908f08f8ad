using FoolingCluster.Attacks.Tests.Support;
using FoolingCluster.Tensors;
using Xunit;

namespace FoolingCluster.Attacks.Tests;

/// <summary>The vector–Jacobian products minimisation attacks follow, checked against finite differences.</summary>
public class LogitGradientModelTests
{
    private const int Count = 5;

    /// <summary>Two fixed seeds per image: one a logit difference (DeepFool's), one arbitrary.</summary>
    private static Tensor[] Seeds(Tensor logits, int first)
    {
        int b = logits.Shape[0];
        Tensor difference = Tensor.Zeros(b, TinyNet.Classes);
        Tensor mixed = Tensor.Zeros(b, TinyNet.Classes);
        for (int r = 0; r < b; r++)
        {
            int i = first + r;
            difference[(r * TinyNet.Classes) + (i % TinyNet.Classes)] = 1f;
            difference[(r * TinyNet.Classes) + ((i + 1) % TinyNet.Classes)] = -1f;
            for (int k = 0; k < TinyNet.Classes; k++)
            {
                mixed[(r * TinyNet.Classes) + k] = 0.3f * (k + 1) * (i % 2 == 0 ? 1 : -1);
            }
        }

        return [difference, mixed];
    }

    [Fact]
    public void Differentiate_matches_central_differences_for_every_seed()
    {
        var net = new TinyNet(seed: 31);
        float[] images = TinyNet.Images(Count, seed: 32);
        using TensorScope scope = TensorScope.Begin();
        LogitGradients result = new ModuleLogitGradientModel(net).Differentiate(Tensor.FromArray(images, Count, 1, 3, 4), Seeds);
        Assert.Equal(2, result.Gradients.Length);
        for (int s = 0; s < 2; s++)
        {
            float[] numeric = NumericGradient(net, images, s);
            float[] analytic = result.Gradients[s].ToArray();
            for (int j = 0; j < analytic.Length; j++)
            {
                Assert.True(Math.Abs(analytic[j] - numeric[j]) <= 1e-3 + (0.01 * Math.Abs(numeric[j])), $"seed {s}, value {j}: tape {analytic[j]}, finite difference {numeric[j]}");
            }
        }
    }

    [Fact]
    public void Logits_and_gradients_are_the_same_whatever_the_slice_size()
    {
        var net = new TinyNet(seed: 33);
        float[] images = TinyNet.Images(Count, seed: 34);
        using TensorScope scope = TensorScope.Begin();
        Tensor x = Tensor.FromArray(images, Count, 1, 3, 4);
        var firsts = new List<int>();
        LogitGradients whole = new ModuleLogitGradientModel(net).Differentiate(x, Seeds);
        LogitGradients sliced = new ModuleLogitGradientModel(net, maxBatch: 2).Differentiate(x, (z, first) =>
        {
            firsts.Add(first);
            return Seeds(z, first);
        });

        Assert.Equal([0, 2, 4], firsts);
        Assert.Equal(new ModuleAttackModel(net).Logits(x).ToArray(), whole.Logits.ToArray(), (a, b) => Math.Abs(a - b) <= 1e-6f);
        Assert.Equal(whole.Logits.ToArray(), sliced.Logits.ToArray(), (a, b) => Math.Abs(a - b) <= 1e-6f);
        for (int s = 0; s < 2; s++)
        {
            Assert.Equal(whole.Gradients[s].ToArray(), sliced.Gradients[s].ToArray(), (a, b) => Math.Abs(a - b) <= 1e-6f);
        }

        Assert.All(net.Parameters(), p => Assert.Null(p.Grad));
    }

    [Fact]
    public void Seeds_of_the_wrong_shape_are_refused()
    {
        var model = new ModuleLogitGradientModel(new TinyNet(seed: 35));
        using TensorScope scope = TensorScope.Begin();
        Tensor x = Tensor.FromArray(TinyNet.Images(Count, seed: 36), Count, 1, 3, 4);
        Assert.Throws<ShapeMismatchException>(() => model.Differentiate(x, (z, _) => [Tensor.Zeros(z.Shape[0], TinyNet.Classes + 1)]));
    }

    /// <summary>Central differences, h = 1e-2, of each image's <c>Σₖ seedₖ·zₖ</c>.</summary>
    private static float[] NumericGradient(TinyNet net, float[] images, int seed)
    {
        const float H = 1e-2f;
        float[] gradient = new float[images.Length];
        for (int j = 0; j < images.Length; j++)
        {
            int image = j / TinyNet.Pixels;
            float[] plus = images.ToArray();
            float[] minus = images.ToArray();
            plus[j] += H;
            minus[j] -= H;
            gradient[j] = (Projection(net, plus, image, seed) - Projection(net, minus, image, seed)) / (2 * H);
        }

        return gradient;
    }

    private static float Projection(TinyNet net, float[] images, int image, int seed)
    {
        using TensorScope scope = TensorScope.Begin();
        using var noGrad = Tensors.Autograd.NoGradScope.Begin();
        Tensor logits = net.Forward(Tensor.FromArray(images, Count, 1, 3, 4));
        Tensor s = Seeds(logits, 0)[seed];
        float sum = 0;
        for (int k = 0; k < TinyNet.Classes; k++)
        {
            sum += s[(image * TinyNet.Classes) + k] * logits[(image * TinyNet.Classes) + k];
        }

        return sum;
    }
}
