using FoolingCluster.Attacks.Decision;
using FoolingCluster.Attacks.Tests.Support;
using FoolingCluster.Tensors;
using Xunit;

namespace FoolingCluster.Attacks.Tests;

/// <summary>The Boundary attack walks from its starting points towards the inputs without ever leaving the adversarial region.</summary>
[Collection(TrainedLeNetGroup.Name)]
public class BoundaryAttackTests(TrainedLeNet lenet)
{
    private const int Images = 30;

    [Fact]
    public void Every_image_stays_adversarial_and_no_image_moves_away_from_its_input()
    {
        var subset = new LeNetSubset(lenet, Images);
        var model = LogitsOnlyModel.From(lenet.Model);
        DecisionResult start = new BlendedUniformNoise().Run(model, subset.Images(), subset.Labels);
        Assert.All(start.Success, Assert.True);

        // Step sizes adapted every step rather than every tenth, so that 400 steps make visible progress.
        var boundary = new BoundaryAttack(steps: 400, updateStatsEvery: 1);
        DecisionResult result = boundary.Run(model, subset.Images(), subset.Labels, start.Adversarials);

        float[] initial = start.Adversarials.ToArray();
        float[] final = result.Adversarials.ToArray();
        double[] before = LeNetSubset.L2(initial, subset.Pixels);
        double[] after = LeNetSubset.L2(final, subset.Pixels);
        int[] predicted = subset.Predict(final);
        for (int i = 0; i < Images; i++)
        {
            Assert.True(predicted[i] != subset.Labels[i], $"image {i} is classified as its label {subset.Labels[i]} after the walk");
            Assert.True(result.Success[i], $"image {i} is not reported adversarial");
            Assert.True(after[i] <= before[i] + 1e-9, $"image {i} moved away: L2 {before[i]:F4} → {after[i]:F4}");
            Assert.Equal(after[i], result.Distances[i], 1e-4);
        }

        Assert.All(final, v => Assert.InRange(v, 0f, 1f));
        double meanBefore = before.Average();
        double meanAfter = after.Average();
        Assert.True(meanAfter < 0.9 * meanBefore, $"mean L2 {meanBefore:F3} → {meanAfter:F3}, expected at least 10 % closer");
        Assert.True(after.Where((a, i) => a < before[i]).Count() >= Images * 0.9, "fewer than 90 % of the images got closer");
    }

    [Fact]
    public void Same_seed_same_walk_and_a_different_seed_another()
    {
        var subset = new LeNetSubset(lenet, 5);
        var model = LogitsOnlyModel.From(lenet.Model);
        Tensor start = new BlendedUniformNoise().Run(model, subset.Images(), subset.Labels).Adversarials;
        float[] a = new BoundaryAttack(steps: 200, updateStatsEvery: 1, seed: 1).Run(model, subset.Images(), subset.Labels, start).Adversarials.ToArray();
        float[] b = new BoundaryAttack(steps: 200, updateStatsEvery: 1, seed: 1).Run(model, subset.Images(), subset.Labels, start).Adversarials.ToArray();
        float[] c = new BoundaryAttack(steps: 200, updateStatsEvery: 1, seed: 2).Run(model, subset.Images(), subset.Labels, start).Adversarials.ToArray();
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.NotEqual(start.ToArray(), a);
    }
}
