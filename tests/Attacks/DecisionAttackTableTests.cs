using FoolingCluster.Attacks.Decision;
using FoolingCluster.Attacks.Tests.Support;
using FoolingCluster.Tensors;
using Xunit;

namespace FoolingCluster.Attacks.Tests;

/// <summary>
/// One table, every decision- and score-based attack, on a trained LeNet whose gradients are
/// hidden (any gradient call throws): accuracy on the adversarials falls below clean accuracy,
/// every image stays in [0,1], fixed-ε noise within its ε, and every success flag agrees with
/// the network's own prediction of the returned image.
/// </summary>
[Collection(TrainedLeNetGroup.Name)]
public class DecisionAttackTableTests(TrainedLeNet lenet)
{
    private const int Images = 100;

    private static readonly Dictionary<string, Case> s_cases = new(StringComparer.Ordinal)
    {
        ["gaussian noise l2 8.0 x20"] = new(() => new L2AdditiveGaussianNoise(repeats: 20), 8f, MaxAccuracy: 0.87),
        ["uniform noise linf 0.5 x20"] = new(() => new LinfAdditiveUniformNoise(repeats: 20), 0.5f, MaxAccuracy: 0.88),
        ["gaussian noise search l2"] = new(() => new L2GaussianNoiseSearch(repeats: 2, gridSteps: 50), null, MaxAccuracy: 0.15),
        ["salt and pepper l0"] = new(() => new SaltAndPepperNoise(steps: 100), null, MaxAccuracy: 0.03),
        ["blended uniform noise l2"] = new(() => new BlendedUniformNoise(), null, MaxAccuracy: 0.02),
        ["boundary l2 100 steps"] = new(() => new BoundaryAttack(steps: 100), null, MaxAccuracy: 0.02),
        ["pointwise l0"] = new(() => new PointwiseAttack(new SaltAndPepperNoise(steps: 100), maxRefinementPasses: 1), null, MaxAccuracy: 0.03),
    };

    public static TheoryData<string> Cases => [.. s_cases.Keys];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Adversarials_lower_accuracy_within_bounds_using_decisions_only(string name)
    {
        Case c = s_cases[name];
        var subset = new LeNetSubset(lenet, Images);
        Tensor inputs = subset.Images();
        var model = LogitsOnlyModel.From(lenet.Model);

        (float[] adversarial, bool[] success) = c.Run(model, inputs, subset.Labels);

        Assert.Equal(subset.Pixels, inputs.ToArray());
        double clean = subset.Accuracy(subset.Pixels);
        Assert.True(clean > 0.9, $"the quickly trained LeNet reaches only {clean:P1} clean on the subset");
        double attacked = subset.Accuracy(adversarial);
        Assert.True(attacked < clean, $"{name}: accuracy {attacked:P1} on adversarials, {clean:P1} clean");
        Assert.True(attacked <= c.MaxAccuracy, $"{name}: accuracy {attacked:P1} on adversarials, expected at most {c.MaxAccuracy:P1}");
        Assert.All(adversarial, v => Assert.InRange(v, 0f, 1f));
        if (c.Epsilon is float epsilon)
        {
            double[] moved = name.Contains("linf", StringComparison.Ordinal)
                ? Enumerable.Range(0, Images).Select(i => Enumerable.Range(i * 784, 784).Max(j => Math.Abs((double)adversarial[j] - subset.Pixels[j]))).ToArray()
                : LeNetSubset.L2(adversarial, subset.Pixels);
            Assert.All(moved, d => Assert.True(d <= epsilon + 1e-5, $"{name}: moved {d} > ε = {epsilon}"));
        }

        int[] predicted = subset.Predict(adversarial);
        for (int i = 0; i < Images; i++)
        {
            Assert.True(success[i] == (predicted[i] != subset.Labels[i]), $"{name}: success flag of image {i} disagrees with its prediction {predicted[i]}");
        }

        Assert.True(model.Queries > Images, $"{name}: only {model.Queries} queries");
    }

    /// <param name="Epsilon">The radius of a fixed-ε attack; null for a minimisation attack.</param>
    /// <param name="MaxAccuracy">Ceiling on accuracy over the adversarials, a little above what was measured, so a weakened attack fails.</param>
    private sealed record Case(Func<object> Attack, float? Epsilon, double MaxAccuracy)
    {
        public (float[] Adversarial, bool[] Success) Run(IAttackModel model, Tensor inputs, int[] labels)
        {
            switch (Attack())
            {
                case FixedEpsilonAttack fixedEpsilon:
                    AttackResult result = fixedEpsilon.Run(model, inputs, labels, [Epsilon!.Value]);
                    return (result.Clipped[0].ToArray(), Enumerable.Range(0, labels.Length).Select(i => result.Success[0, i]).ToArray());
                case DecisionAttack decision:
                    DecisionResult found = decision.Run(model, inputs, labels);
                    return (found.Adversarials.ToArray(), found.Success);
                default:
                    throw new InvalidOperationException("not an attack");
            }
        }
    }
}
