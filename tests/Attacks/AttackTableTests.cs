using FoolingCluster.Attacks.Criteria;
using FoolingCluster.Attacks.Gradient;
using FoolingCluster.Attacks.Tests.Support;
using FoolingCluster.Tensors;
using Xunit;

namespace FoolingCluster.Attacks.Tests;

/// <summary>
/// One table, every attack (Foolbox's shape): on a trained LeNet, accuracy on the adversarials
/// falls below clean accuracy, every perturbation stays within ε, every image within [0,1],
/// and targeted attacks reach their target. Everything is recomputed here from the returned images.
/// </summary>
[Collection(TrainedLeNetGroup.Name)]
public class AttackTableTests(TrainedLeNet lenet)
{
    /// <summary>Tolerance on ε for float rounding of x₀ + δ.</summary>
    private const double Tolerance = 1e-5;

    private static readonly Dictionary<string, Case> s_cases = new(StringComparer.Ordinal)
    {
        ["fgsm linf 0.25"] = new(() => new Fgsm(), 0.25f, L2: false, MaxAccuracy: 0.2),
        ["fgm l2 2.0"] = new(() => new Fgm(), 2f, L2: true, MaxAccuracy: 0.7),
        ["bim linf 0.2"] = new(() => new LinfBim(), 0.2f, L2: false, MaxAccuracy: 0.2),
        ["bim l2 2.0"] = new(() => new L2Bim(), 2f, L2: true, MaxAccuracy: 0.4),
        ["pgd linf 0.3"] = new(() => new LinfPgd(), 0.3f, L2: false, MaxAccuracy: 0.01),
        ["pgd l2 2.0"] = new(() => new L2Pgd(), 2f, L2: true, MaxAccuracy: 0.55),
        ["pgd linf 0.3 targeted"] = new(() => new LinfPgd(), 0.3f, L2: false, MaxAccuracy: 0.2, MinTargetHits: 0.8),
        ["pgd l2 4.0 targeted"] = new(() => new L2Pgd(), 4f, L2: true, MaxAccuracy: 0.3, MinTargetHits: 0.7),
    };

    public static TheoryData<string> Cases => [.. s_cases.Keys];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Adversarials_lower_accuracy_within_epsilon_and_bounds(string name)
    {
        Case c = s_cases[name];
        int[] labels = lenet.Labels;
        int[] targets = labels.Select(l => (l + 1) % 10).ToArray();
        Criterion criterion = c.Targeted ? new TargetedMisclassification(targets) : new Misclassification(labels);
        Tensor inputs = lenet.Images();
        float[] original = inputs.ToArray();

        AttackResult result = c.Attack().Run(lenet.Model, inputs, criterion, [c.Epsilon]);

        Assert.Equal(original, inputs.ToArray());
        double clean = lenet.Accuracy(lenet.Test.Images);
        Assert.True(clean > 0.9, $"the quickly trained LeNet reaches only {clean:P1} clean, too little for the table to mean anything");
        float[] adversarial = result.Clipped[0].ToArray();
        double attacked = lenet.Accuracy(adversarial);
        Assert.True(attacked < clean, $"{name}: accuracy {attacked:P1} on adversarials, {clean:P1} clean");
        Assert.True(attacked <= c.MaxAccuracy, $"{name}: accuracy {attacked:P1} on adversarials, expected at most {c.MaxAccuracy:P1}");

        foreach (float[] images in new[] { adversarial, result.Raw[0].ToArray() })
        {
            for (int i = 0; i < labels.Length; i++)
            {
                ReadOnlySpan<float> x = images.AsSpan(i * 784, 784);
                ReadOnlySpan<float> x0 = original.AsSpan(i * 784, 784);
                double distance = c.L2 ? L2(x, x0) : Linf(x, x0);
                Assert.True(distance <= c.Epsilon + Tolerance, $"{name}: image {i} moved {distance} > ε = {c.Epsilon}");
                foreach (float v in x)
                {
                    Assert.InRange(v, 0f, 1f);
                }
            }
        }

        int[] predicted = Predict(adversarial);
        for (int i = 0; i < labels.Length; i++)
        {
            bool expected = c.Targeted ? predicted[i] == targets[i] : predicted[i] != labels[i];
            Assert.True(expected == result.Success[0, i], $"{name}: success flag of image {i} disagrees with its prediction {predicted[i]}");
        }

        if (c.Targeted)
        {
            double hit = Enumerable.Range(0, labels.Length).Count(i => predicted[i] == targets[i]) / (double)labels.Length;
            Assert.True(hit >= c.MinTargetHits, $"{name}: {hit:P1} of the images reach their target class, expected at least {c.MinTargetHits:P0}");
        }
    }

    private int[] Predict(float[] images)
    {
        using TensorScope scope = TensorScope.Begin();
        using var noGrad = Tensors.Autograd.NoGradScope.Begin();
        return Criterion.Predictions(lenet.Net.Forward(Tensor.FromArray(images, images.Length / 784, 1, 28, 28)));
    }

    private static double Linf(ReadOnlySpan<float> x, ReadOnlySpan<float> x0)
    {
        double max = 0;
        for (int j = 0; j < x.Length; j++)
        {
            max = Math.Max(max, Math.Abs((double)x[j] - x0[j]));
        }

        return max;
    }

    private static double L2(ReadOnlySpan<float> x, ReadOnlySpan<float> x0)
    {
        double sum = 0;
        for (int j = 0; j < x.Length; j++)
        {
            double d = (double)x[j] - x0[j];
            sum += d * d;
        }

        return Math.Sqrt(sum);
    }

    /// <param name="MaxAccuracy">Ceiling on accuracy over the adversarials, a little above what was measured, so a weakened attack fails.</param>
    /// <param name="MinTargetHits">For targeted cases (target = label + 1 mod 10), the fraction that must be classified as the target; null for untargeted.</param>
    private sealed record Case(Func<FixedEpsilonAttack> Attack, float Epsilon, bool L2, double MaxAccuracy, double? MinTargetHits = null)
    {
        public bool Targeted => MinTargetHits is not null;
    }
}
