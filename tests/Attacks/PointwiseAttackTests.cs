using FoolingCluster.Attacks.Decision;
using FoolingCluster.Attacks.Tests.Support;
using Xunit;

namespace FoolingCluster.Attacks.Tests;

/// <summary>The Pointwise attack undoes the salt-and-pepper noise it starts from, pixel by pixel, while the image stays adversarial.</summary>
[Collection(TrainedLeNetGroup.Name)]
public class PointwiseAttackTests(TrainedLeNet lenet)
{
    private const int Images = 50;

    [Fact]
    public void Resets_keep_every_image_adversarial_and_leave_far_fewer_changed_pixels_than_salt_and_pepper()
    {
        var subset = new LeNetSubset(lenet, Images);
        var model = LogitsOnlyModel.From(lenet.Model);
        DecisionResult start = new SaltAndPepperNoise(steps: 200).Run(model, subset.Images(), subset.Labels);
        Assert.True(start.SuccessRate >= 0.98, $"salt-and-pepper fooled only {start.SuccessRate:P0}");

        DecisionResult result = new PointwiseAttack().Run(model, subset.Images(), subset.Labels, start.Adversarials);

        float[] final = result.Adversarials.ToArray();
        double[] before = LeNetSubset.L0(start.Adversarials.ToArray(), subset.Pixels);
        double[] after = LeNetSubset.L0(final, subset.Pixels);
        int[] predicted = subset.Predict(final);
        for (int i = 0; i < Images; i++)
        {
            if (!start.Success[i])
            {
                continue;
            }

            Assert.True(predicted[i] != subset.Labels[i], $"image {i} is classified as its label after the resets");
            Assert.True(result.Success[i], $"image {i} is not reported adversarial");
            Assert.True(after[i] <= before[i], $"image {i}: L0 {before[i]} → {after[i]}");
            Assert.Equal(after[i], result.Distances[i]);
        }

        Assert.All(final, v => Assert.InRange(v, 0f, 1f));
        Assert.True(after.Average() < before.Average(), $"mean L0 {before.Average():F1} → {after.Average():F1}");
        double pointwise = result.MedianDistance();
        double saltAndPepper = start.MedianDistance();
        Assert.True(pointwise <= 0.4 * saltAndPepper, $"median L0 {pointwise} after resets, {saltAndPepper} for salt-and-pepper");
    }

    [Fact]
    public void Refinement_lowers_L2_and_never_raises_L0()
    {
        var subset = new LeNetSubset(lenet, 20);
        var model = LogitsOnlyModel.From(lenet.Model);
        DecisionResult start = new SaltAndPepperNoise(steps: 100).Run(model, subset.Images(), subset.Labels);
        float[] plain = new PointwiseAttack(refine: false, seed: 3).Run(model, subset.Images(), subset.Labels, start.Adversarials).Adversarials.ToArray();
        DecisionResult refined = new PointwiseAttack(refine: true, seed: 3).Run(model, subset.Images(), subset.Labels, start.Adversarials);

        double[] l0Plain = LeNetSubset.L0(plain, subset.Pixels);
        double[] l0Refined = LeNetSubset.L0(refined.Adversarials.ToArray(), subset.Pixels);
        double[] l2Plain = LeNetSubset.L2(plain, subset.Pixels);
        double[] l2Refined = LeNetSubset.L2(refined.Adversarials.ToArray(), subset.Pixels);
        for (int i = 0; i < subset.Count; i++)
        {
            Assert.True(l0Refined[i] <= l0Plain[i], $"image {i}: L0 {l0Plain[i]} → {l0Refined[i]} refined");
            Assert.True(l2Refined[i] <= l2Plain[i] + 1e-6, $"image {i}: L2 {l2Plain[i]:F4} → {l2Refined[i]:F4} refined");
            Assert.Equal(start.Success[i], refined.Success[i]);
        }

        // Salt-and-pepper flips pixels all the way; the model mostly needs nearly the whole flip, so the gain is small but real.
        Assert.True(l2Refined.Average() < l2Plain.Average(), $"mean L2 {l2Plain.Average():F3} → {l2Refined.Average():F3} refined");
    }
}
