using FoolingCluster.Attacks.Criteria;
using FoolingCluster.Attacks.Decision;
using FoolingCluster.Attacks.Gradient;
using FoolingCluster.Attacks.Minimization;
using FoolingCluster.Attacks.Robustness;
using FoolingCluster.Attacks.Tests.Support;
using FoolingCluster.Tensors;
using Xunit;

namespace FoolingCluster.Attacks.Tests;

/// <summary>
/// A fixed-ε attack searched over radii reports, per image, an adversarial the network itself
/// misclassifies, at a distance no larger than the first radius that worked, and no adversarial at
/// the radius before it; decision attacks report failures as the input at +∞.
/// </summary>
[Collection(TrainedLeNetGroup.Name)]
public class EpsilonSearchTests(TrainedLeNet lenet)
{
    private const int Images = 60;

    private static readonly float[] s_radii = [0.02f, 0.05f, 0.08f, 0.12f, 0.2f, 0.3f];

    [Fact]
    public void Fgsm_over_radii_finds_each_images_first_radius_that_fools_it()
    {
        var subset = new LeNetSubset(lenet, Images);
        var model = new ModuleAttackModel(lenet.Net);
        var search = new EpsilonSearch(new Fgsm(), s_radii);

        MinimizationResult result = search.Minimize(model, subset.Images(), new Misclassification(subset.Labels));

        float[] adversarials = result.Adversarials.ToArray();
        int[] predicted = subset.Predict(adversarials);
        int[] clean = subset.Predict(subset.Pixels);
        Assert.All(adversarials, v => Assert.InRange(v, 0f, 1f));
        Assert.True(result.SuccessRate > 0.5, $"FGSM up to 0.3 fooled only {result.SuccessRate:P0}");
        for (int i = 0; i < Images; i++)
        {
            float[] image = adversarials.AsSpan(i * 784, 784).ToArray();
            double linf = image.Select((v, j) => Math.Abs(v - subset.Pixels[(i * 784) + j])).Max();
            if (clean[i] != subset.Labels[i])
            {
                Assert.True(result.Success[i]);
                Assert.Equal(0, result.Distances[i]);
                continue;
            }

            if (!result.Success[i])
            {
                Assert.Equal(double.PositiveInfinity, result.Distances[i]);
                Assert.Equal(0, linf);
                continue;
            }

            Assert.NotEqual(subset.Labels[i], predicted[i]);
            Assert.Equal(linf, result.Distances[i], 6);
            int k = Array.FindIndex(s_radii, r => r >= result.Distances[i] - 1e-6);
            Assert.True(k >= 0);
            if (k > 0)
            {
                // FGSM is deterministic, so the radius before the one that worked must fail on its own.
                AttackResult before = new Fgsm().Run(model, Tensor.Wrap(subset.Pixels.AsSpan(i * 784, 784).ToArray(), 1, 1, 28, 28), new Misclassification([subset.Labels[i]]), [s_radii[k - 1]]);
                Assert.False(before.Success[0, 0], $"image {i} was reported at {result.Distances[i]} but radius {s_radii[k - 1]} fools it too");
            }
        }
    }

    [Fact]
    public void Pgd_over_radii_has_accuracy_at_each_radius_no_higher_than_pgd_run_there_alone()
    {
        var subset = new LeNetSubset(lenet, Images);
        var model = new ModuleAttackModel(lenet.Net);
        MinimizationResult searched = new EpsilonSearch(new LinfPgd(10), s_radii).Minimize(model, subset.Images(), new Misclassification(subset.Labels));
        AttackResult alone = new LinfPgd(10).Run(model, subset.Images(), subset.Labels, [0.12f]);

        int robustSearched = Enumerable.Range(0, Images).Count(i => !(searched.Success[i] && searched.Distances[i] <= 0.12 + 1e-6));
        int robustAlone = Enumerable.Range(0, Images).Count(i => !alone.Success[0, i]);
        Assert.True(robustSearched <= robustAlone + 2, $"searched leaves {robustSearched} robust at 0.12, PGD there alone {robustAlone}");
        Assert.True(robustSearched < Images);
    }

    [Fact]
    public void A_decision_attack_that_fails_reports_the_input_at_infinity()
    {
        var subset = new LeNetSubset(lenet, 20);
        var model = new ModuleAttackModel(lenet.Net);
        IMinimizingAttack hopeless = new L2GaussianNoiseSearch(repeats: 2, gridSteps: 5, maxNorm: 0.01f);

        MinimizationResult result = hopeless.Minimize(model, subset.Images(), new Misclassification(subset.Labels));

        int[] clean = subset.Predict(subset.Pixels);
        for (int i = 0; i < subset.Count; i++)
        {
            bool wrong = clean[i] != subset.Labels[i];
            Assert.Equal(wrong, result.Success[i]);
            Assert.Equal(wrong ? 0 : double.PositiveInfinity, result.Distances[i]);
        }

        Assert.Equal(subset.Pixels, result.Adversarials.ToArray());
    }

    [Fact]
    public void Radii_must_be_positive_and_increasing()
    {
        Assert.Throws<ArgumentException>(() => new EpsilonSearch(new Fgsm(), []));
        Assert.Throws<ArgumentException>(() => new EpsilonSearch(new Fgsm(), [0.1f, 0.1f]));
        Assert.Throws<ArgumentException>(() => new EpsilonSearch(new Fgsm(), [0f, 0.1f]));
    }

    [Fact]
    public void Criteria_select_their_samples_in_the_order_given()
    {
        using TensorScope scope = TensorScope.Begin();
        Tensor bothSecond = Tensor.FromArray([0f, 1f, 0f, 1f], 2, 2);
        Tensor bothFirst = Tensor.FromArray([1f, 0f, 1f, 0f], 2, 2);
        Criterion untargeted = new Misclassification([0, 0, 1]).Select([2, 1]);
        Criterion targeted = new TargetedMisclassification([1, 1, 0]).Select([2, 1]);
        Criterion both = new Misclassification([0, 0, 1]).And(new TargetedMisclassification([1, 1, 1])).Select([1]);

        Assert.Equal(2, untargeted.Count);
        Assert.Equal([false, true], untargeted.IsAdversarial(bothSecond));
        Assert.Equal([true, false], untargeted.IsAdversarial(bothFirst));
        Assert.Equal([true, false], targeted.IsAdversarial(bothFirst));
        Assert.Equal([true], both.IsAdversarial(Tensor.FromArray([0f, 1f], 1, 2)));
    }
}
