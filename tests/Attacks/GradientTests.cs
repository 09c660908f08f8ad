using FoolingCluster.Attacks.Criteria;
using FoolingCluster.Attacks.Gradient;
using FoolingCluster.Attacks.Tests.Support;
using FoolingCluster.Tensors;
using FoolingCluster.Tensors.Autograd;
using FoolingCluster.Tensors.Ops;
using Xunit;

namespace FoolingCluster.Attacks.Tests;

/// <summary>The loss gradient the attacks follow, checked against finite differences of the loss.</summary>
public class GradientTests
{
    private const int Count = 6;
    private static readonly int[] s_labels = [0, 1, 2, 2, 1, 0];

    [Fact]
    public void Loss_gradient_matches_central_differences_of_each_samples_loss()
    {
        var net = new TinyNet(seed: 1);
        float[] images = TinyNet.Images(Count, seed: 2);
        float[] numeric = NumericGradient(net, images, s_labels);
        using TensorScope scope = TensorScope.Begin();
        float[] analytic = new ModuleAttackModel(net).LossGradient(Tensor.FromArray(images, Count, 1, 3, 4), s_labels).ToArray();
        for (int j = 0; j < analytic.Length; j++)
        {
            Assert.True(Math.Abs(analytic[j] - numeric[j]) <= 2e-3 + (0.02 * Math.Abs(numeric[j])), $"value {j}: tape {analytic[j]}, finite difference {numeric[j]}");
        }
    }

    [Fact]
    public void Fgsm_steps_by_epsilon_along_the_sign_of_the_finite_difference_gradient_and_raises_the_loss()
    {
        var net = new TinyNet(seed: 3);
        float[] images = TinyNet.Images(Count, seed: 4);
        float[] numeric = NumericGradient(net, images, s_labels);
        const float Epsilon = 0.1f;
        AttackResult result = new Fgsm().Run(new ModuleAttackModel(net), Tensor.Wrap(images.ToArray(), Count, 1, 3, 4), s_labels, [Epsilon]);
        float[] adversarial = result.Clipped[0].ToArray();
        int checkedValues = 0;
        for (int j = 0; j < images.Length; j++)
        {
            // Where the numeric gradient is near zero its sign is noise.
            if (Math.Abs(numeric[j]) > 1e-3)
            {
                Assert.Equal(images[j] + (Epsilon * MathF.Sign(numeric[j])), adversarial[j], 5);
                checkedValues++;
            }
        }

        Assert.True(checkedValues > images.Length / 2, $"only {checkedValues} of {images.Length} gradient values were large enough to check");
        float[] before = net.Losses(images, s_labels);
        float[] after = net.Losses(adversarial, s_labels);
        for (int i = 0; i < Count; i++)
        {
            Assert.True(after[i] > before[i], $"sample {i}: loss {before[i]} → {after[i]}");
        }
    }

    [Fact]
    public void Targeted_fgsm_steps_against_the_gradient_of_the_target_loss_and_lowers_it()
    {
        var net = new TinyNet(seed: 5);
        float[] images = TinyNet.Images(Count, seed: 6);
        int[] targets = s_labels.Select(l => (l + 1) % TinyNet.Classes).ToArray();
        float[] numeric = NumericGradient(net, images, targets);
        const float Epsilon = 0.05f;
        AttackResult result = new Fgsm().Run(new ModuleAttackModel(net), Tensor.Wrap(images.ToArray(), Count, 1, 3, 4), new TargetedMisclassification(targets), [Epsilon]);
        float[] adversarial = result.Clipped[0].ToArray();
        for (int j = 0; j < images.Length; j++)
        {
            if (Math.Abs(numeric[j]) > 1e-3)
            {
                Assert.Equal(images[j] - (Epsilon * MathF.Sign(numeric[j])), adversarial[j], 5);
            }
        }

        float[] before = net.Losses(images, targets);
        float[] after = net.Losses(adversarial, targets);
        for (int i = 0; i < Count; i++)
        {
            Assert.True(after[i] < before[i], $"sample {i}: target loss {before[i]} → {after[i]}");
        }
    }

    [Fact]
    public void Each_samples_gradient_is_the_same_whatever_the_slice_size()
    {
        var net = new TinyNet(seed: 7);
        float[] images = TinyNet.Images(Count, seed: 8);
        using TensorScope scope = TensorScope.Begin();
        Tensor x = Tensor.FromArray(images, Count, 1, 3, 4);
        float[] whole = new ModuleAttackModel(net, maxBatch: 256).LossGradient(x, s_labels).ToArray();
        float[] sliced = new ModuleAttackModel(net, maxBatch: 4).LossGradient(x, s_labels).ToArray();
        float[] single = new ModuleAttackModel(net, maxBatch: 1).LossGradient(x, s_labels).ToArray();
        Assert.Equal(whole, sliced, (a, b) => Math.Abs(a - b) <= 1e-6f);
        Assert.Equal(whole, single, (a, b) => Math.Abs(a - b) <= 1e-6f);
        Assert.Equal(
            new ModuleAttackModel(net, maxBatch: 256).Logits(x).ToArray(),
            new ModuleAttackModel(net, maxBatch: 4).Logits(x).ToArray(),
            (a, b) => Math.Abs(a - b) <= 1e-6f);
    }

    [Fact]
    public void The_gradient_leaves_parameter_gradients_untouched()
    {
        var net = new TinyNet(seed: 9);
        using TensorScope scope = TensorScope.Begin();
        new ModuleAttackModel(net).LossGradient(Tensor.FromArray(TinyNet.Images(Count, seed: 10), Count, 1, 3, 4), s_labels);
        Assert.All(net.Parameters(), p => Assert.Null(p.Grad));
    }

    [Fact]
    public void The_cross_entropy_gradient_agrees_with_the_tape_and_stays_exact_when_the_model_is_certain()
    {
        using TensorScope scope = TensorScope.Begin();
        Tensor logits = Tensor.FromArray([1f, -0.5f, 2f, 0.3f, 0.3f, -1f], 2, 3);
        logits.RequiresGrad = true;
        int[] labels = [2, 0];
        float[] tape = Tape.Grad(Functional.CrossEntropy(logits, labels, Reduction.Sum), logits).ToArray();
        Assert.Equal(tape, ModuleAttackModel.CrossEntropyGradient(logits, labels).ToArray(), (a, b) => Math.Abs(a - b) <= 1e-6f);

        // p₀ = 1 − 2e⁻³⁰ rounds to 1 in float, so p₀ − 1 would be 0; the gradient must still say "lower logit 0".
        float[] certain = ModuleAttackModel.CrossEntropyGradient(Tensor.FromArray([30f, 0f, 0f], 1, 3), [0]).ToArray();
        Assert.True(certain[0] < 0, $"label entry {certain[0]}");
        Assert.Equal(-(certain[1] + certain[2]), certain[0], 1e-20f);
        Assert.Equal(Math.Exp(-30), certain[1], 1e-18);
    }

    /// <summary>Central differences, h = 1e-2, of each sample's own loss.</summary>
    private static float[] NumericGradient(TinyNet net, float[] images, int[] labels)
    {
        const float H = 1e-2f;
        float[] gradient = new float[images.Length];
        for (int j = 0; j < images.Length; j++)
        {
            int sample = j / TinyNet.Pixels;
            float[] plus = images.ToArray();
            float[] minus = images.ToArray();
            plus[j] += H;
            minus[j] -= H;
            gradient[j] = (net.Losses(plus, labels)[sample] - net.Losses(minus, labels)[sample]) / (2 * H);
        }

        return gradient;
    }
}
