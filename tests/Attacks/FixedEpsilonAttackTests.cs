using FoolingCluster.Attacks.Criteria;
using FoolingCluster.Attacks.Distances;
using FoolingCluster.Attacks.Gradient;
using FoolingCluster.Attacks.Tests.Support;
using FoolingCluster.Tensors;
using Xunit;

namespace FoolingCluster.Attacks.Tests;

/// <summary>The template every fixed-ε attack runs through: input checks, one run per ε, clipping, and the criterion asked again.</summary>
public class FixedEpsilonAttackTests
{
    private const int Count = 8;
    private static readonly int[] s_labels = [0, 1, 2, 0, 1, 2, 0, 1];
    private readonly ModuleAttackModel _model = new(new TinyNet(seed: 11));

    private static Tensor Inputs(int seed = 12) => Tensor.Wrap(TinyNet.Images(Count, seed), Count, 1, 3, 4);

    [Theory]
    [InlineData(1.5f)]
    [InlineData(-0.01f)]
    [InlineData(float.NaN)]
    public void Inputs_outside_the_unit_interval_are_refused_with_the_image_named(float bad)
    {
        Tensor x = Inputs();
        x[(3 * TinyNet.Pixels) + 5] = bad;
        var ex = Assert.Throws<InvalidInputException>(() => new Fgsm().Run(_model, x, s_labels, [0.1f]));
        Assert.Contains("[0,1]", ex.Message);
        Assert.Contains("value 5 of image 3", ex.Message);
    }

    [Fact]
    public void Mismatched_criteria_and_missing_or_negative_epsilons_are_refused()
    {
        Assert.Throws<ShapeMismatchException>(() => new Fgsm().Run(_model, Inputs(), s_labels.AsSpan(0, 3), [0.1f]));
        Assert.Throws<ArgumentException>(() => new Fgsm().Run(_model, Inputs(), s_labels, []));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Fgsm().Run(_model, Inputs(), s_labels, [0.1f, -0.1f]));
    }

    [Fact]
    public void Gradient_attacks_refuse_a_criterion_that_names_no_classes_to_follow()
    {
        Criterion combined = new Misclassification(s_labels).And(new Misclassification(s_labels));
        var ex = Assert.Throws<ArgumentException>(() => new LinfPgd(steps: 2).Run(_model, Inputs(), combined, [0.1f]));
        Assert.Contains(nameof(TargetedMisclassification), ex.Message);
    }

    [Fact]
    public void Every_epsilon_gets_its_own_run_and_a_row_of_success_flags()
    {
        float[] epsilons = [0f, 0.05f, 0.5f];
        Tensor x = Inputs();
        AttackResult result = new LinfBim(steps: 5).Run(_model, x, s_labels, epsilons);
        Assert.Equal(epsilons, result.Epsilons);
        Assert.Equal(3, result.Raw.Length);
        Assert.Equal(3, result.Clipped.Length);
        Assert.Equal(3, result.Success.GetLength(0));
        Assert.Equal(Count, result.Success.GetLength(1));

        // At ε = 0 nothing moves, and success is the clean misclassification.
        Assert.Equal(x.ToArray(), result.Clipped[0].ToArray());
        bool[] clean = new Misclassification(s_labels).IsAdversarial(_model.Logits(x));
        for (int i = 0; i < Count; i++)
        {
            Assert.Equal(clean[i], result.Success[0, i]);
        }

        for (int k = 0; k < epsilons.Length; k++)
        {
            double[] moved = Distance.Linf.Measure(x, result.Clipped[k]);
            Assert.All(moved, d => Assert.True(d <= epsilons[k] + 1e-6, $"moved {d} at ε = {epsilons[k]}"));
        }

        Assert.True(result.SuccessRate(2) >= result.SuccessRate(0));
    }

    [Fact]
    public void Raw_output_beyond_the_ball_is_clipped_and_success_judged_on_the_clipped_images()
    {
        var runaway = new RunawayAttack();
        Tensor x = Inputs();
        AttackResult result = runaway.Run(_model, x, s_labels, [0.1f]);

        Assert.All(result.Raw[0].ToArray(), v => Assert.Equal(1f, v));
        double[] moved = Distance.Linf.Measure(x, result.Clipped[0]);
        Assert.All(moved, d => Assert.True(d <= 0.1 + 1e-6, $"moved {d}"));
        Assert.All(result.Clipped[0].ToArray(), v => Assert.InRange(v, 0f, 1f));
        bool[] judged = new Misclassification(s_labels).IsAdversarial(_model.Logits(result.Clipped[0]));
        for (int i = 0; i < Count; i++)
        {
            Assert.Equal(judged[i], result.Success[0, i]);
        }
    }

    [Fact]
    public void Random_starts_are_reproducible_from_the_seed()
    {
        float[] a = new LinfPgd(steps: 3, seed: 1).Run(_model, Inputs(), s_labels, [0.2f]).Raw[0].ToArray();
        float[] b = new LinfPgd(steps: 3, seed: 1).Run(_model, Inputs(), s_labels, [0.2f]).Raw[0].ToArray();
        float[] c = new LinfPgd(steps: 3, seed: 2).Run(_model, Inputs(), s_labels, [0.2f]).Raw[0].ToArray();
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void L2_random_starts_fall_inside_the_ball()
    {
        Tensor x0 = Inputs();
        using TensorScope scope = TensorScope.Begin();
        Tensor x = x0.Clone();
        NormGeometry.L2.RandomStart(x0, x, 0.3f, new Random(1));
        double[] moved = Distance.L2.Measure(x0, x);
        Assert.All(moved, d => Assert.InRange(d, 1e-3, 0.3 + 1e-6));
    }

    [Fact]
    public void Intermediates_of_every_step_are_freed_so_memory_does_not_grow_with_steps()
    {
        int LeftInScope(int steps)
        {
            using TensorScope scope = TensorScope.Begin();
            new LinfPgd(steps: steps).Run(_model, Inputs(), s_labels, [0.1f]);
            return scope.Count;
        }

        Assert.Equal(LeftInScope(2), LeftInScope(20));
    }

    /// <summary>An attack that ignores ε and pushes every value to 1.</summary>
    private sealed class RunawayAttack : FixedEpsilonAttack
    {
        public override Distance Distance => Distance.Linf;

        public override string Name => "runaway";

        public override string Describe() => "runaway";

        protected override Tensor RunAttack(IAttackModel model, Tensor inputs, Criterion criterion, float epsilon) =>
            Tensor.Full(1f, inputs.Shape);
    }
}
