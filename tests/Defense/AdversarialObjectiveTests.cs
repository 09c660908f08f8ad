using FoolingCluster.Defense.Adversarial;
using FoolingCluster.Models.Architectures;
using FoolingCluster.Models.Data;
using FoolingCluster.Models.Training;
using FoolingCluster.Tensors;
using FoolingCluster.Tensors.Autograd;
using FoolingCluster.Tensors.NN;
using FoolingCluster.Tensors.Ops;
using FoolingCluster.Tensors.Optim;
using FoolingCluster.Tests.Shared;
using Xunit;

namespace FoolingCluster.Defense.Tests;

/// <summary>
/// The FGSM objective α·CE(x) + (1 − α)·CE(x + ε·sign ∇ₓCE) recomputed here from the tape
/// alone, without the attack code, against what one training step reports and does.
/// </summary>
public class AdversarialObjectiveTests
{
    private const float Epsilon = 0.25f;
    private const float LearningRate = 0.1f;

    [Theory]
    [InlineData(0.5f)]
    [InlineData(0.2f)]
    [InlineData(0f)]
    public void Fgsm_step_minimises_the_weighted_sum_of_clean_and_adversarial_cross_entropy(float alpha)
    {
        ImageDataset data = MnistDataset.Load(Path.Combine(RepositoryRoot.Find(), MnistDataset.DefaultDirectory), MnistSplit.Test, limit: 16);
        float[] pixels = data.Images.ToArray();
        int[] labels = data.Labels.Select(l => (int)l).ToArray();

        // A freshly initialised network is far from saturated, so no gradient entry is so small
        // that float and double rounding could disagree about its sign.
        var reference = new LeNet(seed: 11);
        var trained = new LeNet(seed: 11);
        (double expectedLoss, Dictionary<string, float[]> expectedGradient) = Reference(reference, pixels, labels, alpha);

        var settings = new AdversarialSettings { Method = "fgsm", Epsilon = Epsilon, Alpha = alpha };
        var objective = new AdversarialObjective(settings, seed: 1);
        Dictionary<string, float[]> before = Snapshot(trained);
        trained.Train();
        (float loss, _) = objective.Step(trained, new Sgd(trained.Parameters(), LearningRate), Tensor.Wrap(pixels.ToArray(), 16, 1, 28, 28), labels);

        Assert.Equal(expectedLoss, loss, 4);

        // Plain SGD moves every parameter by −η times the gradient of the objective.
        foreach ((string name, Tensor parameter) in trained.NamedParameters())
        {
            float[] after = parameter.ToArray();
            for (int i = 0; i < after.Length; i++)
            {
                float step = (before[name][i] - after[i]) / LearningRate;
                Assert.True(Math.Abs(step - expectedGradient[name][i]) <= 1e-4 + (1e-3 * Math.Abs(expectedGradient[name][i])),
                    $"{name}[{i}]: step implies gradient {step}, objective's gradient is {expectedGradient[name][i]}");
            }
        }
    }

    [Fact]
    public void Adversarial_examples_stay_within_epsilon_and_in_bounds_and_leave_parameter_gradients_alone()
    {
        ImageDataset data = MnistDataset.Load(Path.Combine(RepositoryRoot.Find(), MnistDataset.DefaultDirectory), MnistSplit.Test, limit: 8);
        int[] labels = data.Labels.Select(l => (int)l).ToArray();
        var net = new LeNet(seed: 2);
        var objective = new AdversarialObjective(new AdversarialSettings { Method = "pgd", Epsilon = 0.3f, Steps = 5 }, seed: 3);
        using TensorScope scope = TensorScope.Begin();
        Tensor x = Tensor.Wrap(data.Images.ToArray(), 8, 1, 28, 28);
        Tensor adversarial = objective.Perturb(net, x, labels);

        Assert.All(net.Parameters(), p => Assert.True(p.Grad is null || p.Grad.ToArray().All(g => g == 0)));
        float[] a = adversarial.ToArray();
        for (int i = 0; i < a.Length; i++)
        {
            Assert.InRange(a[i], 0f, 1f);
            Assert.True(Math.Abs(a[i] - data.Images[i]) <= 0.3f + 1e-6f, $"value {i} moved {a[i] - data.Images[i]}");
        }

        Assert.True(a.Where((v, i) => v != data.Images[i]).Count() > a.Length / 2, "the attack moved most pixels");
    }

    /// <summary>The objective and its parameter gradient, from the tape only.</summary>
    private static (double Loss, Dictionary<string, float[]> Gradient) Reference(Module net, float[] pixels, int[] labels, float alpha)
    {
        int n = labels.Length;
        float[] adversarial;
        using (TensorScope scope = TensorScope.Begin())
        {
            Tensor x = Tensor.Wrap(pixels.ToArray(), n, 1, 28, 28);
            x.RequiresGrad = true;
            Tensor sum = Functional.CrossEntropy(net.Forward(x), labels, Reduction.Sum);
            float[] g = Tape.Grad(sum, x).ToArray();
            adversarial = pixels.Select((v, i) => Math.Clamp(v + (Epsilon * Math.Sign(g[i])), 0f, 1f)).ToArray();
        }

        double clean = MeanCrossEntropy(net, pixels, labels);
        double attacked = MeanCrossEntropy(net, adversarial, labels);
        Dictionary<string, float[]> cleanGradient = ParameterGradient(net, pixels, labels);
        Dictionary<string, float[]> attackedGradient = ParameterGradient(net, adversarial, labels);
        var gradient = cleanGradient.ToDictionary(
            kv => kv.Key,
            kv => kv.Value.Select((c, i) => (alpha * c) + ((1 - alpha) * attackedGradient[kv.Key][i])).ToArray());
        return ((alpha * clean) + ((1 - alpha) * attacked), gradient);
    }

    /// <summary>Mean cross-entropy computed in double from the logits.</summary>
    private static double MeanCrossEntropy(Module net, float[] pixels, int[] labels)
    {
        using TensorScope scope = TensorScope.Begin();
        using NoGradScope noGrad = NoGradScope.Begin();
        float[] z = net.Forward(Tensor.Wrap(pixels.ToArray(), labels.Length, 1, 28, 28)).ToArray();
        double total = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            double max = z.Skip(i * 10).Take(10).Max();
            double logSum = Math.Log(z.Skip(i * 10).Take(10).Sum(v => Math.Exp(v - max))) + max;
            total += logSum - z[(i * 10) + labels[i]];
        }

        return total / labels.Length;
    }

    private static Dictionary<string, float[]> ParameterGradient(Module net, float[] pixels, int[] labels)
    {
        using TensorScope scope = TensorScope.Begin();
        net.ZeroGrad();
        Functional.CrossEntropy(net.Forward(Tensor.Wrap(pixels.ToArray(), labels.Length, 1, 28, 28)), labels).Backward();
        Dictionary<string, float[]> gradient = net.NamedParameters().ToDictionary(p => p.Name, p => p.Tensor.Grad!.ToArray());
        net.ZeroGrad();
        return gradient;
    }

    private static Dictionary<string, float[]> Snapshot(Module net) =>
        net.NamedParameters().ToDictionary(p => p.Name, p => p.Tensor.ToArray());
}
