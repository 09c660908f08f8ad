using FoolingCluster.Attacks.Criteria;
using FoolingCluster.Attacks.Distances;
using FoolingCluster.Attacks.Minimization;
using FoolingCluster.Attacks.Tests.Support;
using FoolingCluster.Tensors;
using Xunit;

namespace FoolingCluster.Attacks.Tests;

/// <summary>
/// The minimisation template (input checks, clamping, the criterion asked again, failures put
/// back), and each attack on a linear classifier, where the smallest adversarial perturbation is
/// known exactly.
/// </summary>
public class MinimizationAttackTests
{
    private const int Count = 8;
    private readonly LinearNet _net = new(seed: 21);

    private ModuleLogitGradientModel Model => new(_net);

    private static Tensor Inputs() => Tensor.Wrap(LinearNet.Images(Count, seed: 22), Count, 1, 3, 4);

    private int[] Labels(Tensor x) => Criterion.Predictions(Model.Logits(x));

    public static TheoryData<string> Attacks => [.. s_attacks.Keys];

    private static readonly Dictionary<string, Func<MinimizationAttack>> s_attacks = new(StringComparer.Ordinal)
    {
        ["deepfool l2"] = () => new L2DeepFool(),
        ["deepfool linf"] = () => new LinfDeepFool(),
        ["cw l2"] = () => new CarliniWagnerL2(binarySearchSteps: 6, steps: 200, initialConst: 1f),
        ["lbfgs"] = () => new BoxLbfgs(searchSteps: 8, maxIterations: 50),
    };

    [Theory]
    [MemberData(nameof(Attacks))]
    public void Inputs_outside_the_unit_interval_and_mismatched_criteria_are_refused(string name)
    {
        MinimizationAttack attack = s_attacks[name]();
        Tensor x = Inputs();
        x[(2 * LinearNet.Pixels) + 7] = 1.5f;
        var ex = Assert.Throws<InvalidInputException>(() => attack.Run(Model, x, new int[Count]));
        Assert.Contains("value 7 of image 2", ex.Message);
        Assert.Throws<ShapeMismatchException>(() => attack.Run(Model, Inputs(), new int[3]));
    }

    [Theory]
    [MemberData(nameof(Attacks))]
    public void Gradient_attacks_need_logit_gradients_and_classes_to_steer_by(string name)
    {
        MinimizationAttack attack = s_attacks[name]();
        var ex = Assert.Throws<ArgumentException>(() => attack.Run(new ModuleAttackModel(_net), Inputs(), new int[Count]));
        Assert.Contains(nameof(ILogitGradientModel), ex.Message);
        Criterion combined = new Misclassification(new int[Count]).And(new Misclassification(new int[Count]));
        ex = Assert.Throws<ArgumentException>(() => attack.Run(Model, Inputs(), combined));
        Assert.Contains(nameof(TargetedMisclassification), ex.Message);
    }

    [Theory]
    [InlineData("deepfool l2", 1.02)]
    [InlineData("cw l2", 1.005)]
    [InlineData("lbfgs", 1.05)]
    public void L2_attacks_find_the_nearest_boundary_of_a_linear_classifier(string name, double factor)
    {
        Tensor x = Inputs();
        (int Class, double Distance)[] exact = _net.NearestBoundary(x.ToArray(), l2: true);
        MinimizationResult result = s_attacks[name]().Run(Model, x, exact.Select(e => e.Class).ToArray());
        AssertNearOptimal(name, result, exact, factor);
    }

    [Fact]
    public void Linf_deepfool_finds_the_nearest_boundary_of_a_linear_classifier_in_one_step()
    {
        Tensor x = Inputs();
        (int Class, double Distance)[] exact = _net.NearestBoundary(x.ToArray(), l2: false);
        MinimizationResult result = new LinfDeepFool().Run(Model, x, exact.Select(e => e.Class).ToArray());
        AssertNearOptimal("deepfool linf", result, exact, 1.02);
    }

    [Fact]
    public void Deepfool_lands_the_overshoot_beyond_the_boundary_and_no_further()
    {
        // On a linear model one step reaches the linearised boundary exactly: the distance is (d* + 1e-4)·(1 + overshoot).
        Tensor x = Inputs();
        (int Class, double Distance)[] exact = _net.NearestBoundary(x.ToArray(), l2: true);
        MinimizationResult result = new L2DeepFool(overshoot: 0.1f).Run(Model, x, exact.Select(e => e.Class).ToArray());
        for (int i = 0; i < Count; i++)
        {
            Assert.Equal((exact[i].Distance + 1e-4) * 1.1, result.Distances[i], 4);
        }
    }

    [Theory]
    [InlineData("deepfool l2")]
    [InlineData("deepfool linf")]
    [InlineData("cw l2")]
    [InlineData("lbfgs")]
    public void Targeted_attacks_reach_the_far_class(string name)
    {
        Tensor x = Inputs();
        int[] targets = Enumerable.Repeat(2, Count).ToArray();
        MinimizationResult result = s_attacks[name]().Run(Model, x, new TargetedMisclassification(targets));
        Assert.All(result.Success, Assert.True);
        Assert.All(Criterion.Predictions(Model.Logits(result.Adversarials)), p => Assert.Equal(2, p));

        // Class 2 is farther than class 1's boundary, so reaching it costs more than the nearest boundary.
        (int Class, double Distance)[] nearest = _net.NearestBoundary(x.ToArray(), result.Distance == Distance.L2);
        for (int i = 0; i < Count; i++)
        {
            Assert.True(result.Distances[i] > nearest[i].Distance, $"{name}: image {i} reached class 2 at {result.Distances[i]}, nearer than class 1's boundary at {nearest[i].Distance}");
        }
    }

    [Fact]
    public void Failures_come_back_as_the_input_with_an_infinite_distance()
    {
        Tensor x = Inputs();
        int[] labels = Labels(x);
        labels[3] = (labels[3] + 1) % LinearNet.Classes;
        MinimizationResult result = new StandStill().Run(Model, x, labels);

        // Image 3 is "adversarial" already, at distance 0; the others failed and come back untouched.
        Assert.Equal(x.ToArray(), result.Adversarials.ToArray());
        for (int i = 0; i < Count; i++)
        {
            Assert.Equal(i == 3, result.Success[i]);
            Assert.Equal(i == 3 ? 0 : double.PositiveInfinity, result.Distances[i]);
        }

        Assert.Equal(1.0 / Count, result.SuccessRate);
        Assert.Equal(0, result.MedianDistance);
    }

    [Fact]
    public void Output_outside_the_box_is_clamped_before_it_is_judged()
    {
        Tensor x = Inputs();
        MinimizationResult result = new Runaway().Run(Model, x, Labels(x));
        Assert.All(result.Adversarials.ToArray(), v => Assert.InRange(v, 0f, 1f));
        bool[] judged = new Misclassification(Labels(x)).IsAdversarial(Model.Logits(result.Adversarials));
        Assert.Equal(judged, result.Success);
        double[] measured = Distance.L2.Measure(x, result.Adversarials);
        for (int i = 0; i < Count; i++)
        {
            Assert.Equal(result.Success[i] ? measured[i] : double.PositiveInfinity, result.Distances[i], 6);
        }
    }

    /// <summary>Every distance at least the exact minimum and at most <paramref name="factor"/> times it (plus DeepFool's 10⁻⁴ nudge).</summary>
    private static void AssertNearOptimal(string name, MinimizationResult result, (int Class, double Distance)[] exact, double factor)
    {
        for (int i = 0; i < exact.Length; i++)
        {
            Assert.True(result.Success[i], $"{name}: no adversarial for image {i}");

            // Nothing can beat the exact minimum; a good attack comes close to it.
            Assert.True(result.Distances[i] >= exact[i].Distance * (1 - 1e-5), $"{name}: image {i} at {result.Distances[i]}, below the exact minimum {exact[i].Distance}: a success was misjudged");
            Assert.True(result.Distances[i] <= (exact[i].Distance * factor) + 2e-4, $"{name}: image {i} at {result.Distances[i]}, exact minimum {exact[i].Distance}");
        }
    }

    /// <summary>Returns the inputs unchanged.</summary>
    private sealed class StandStill : MinimizationAttack
    {
        public override Distance Distance => Distance.L2;

        public override string Name => "stand still";

        public override string Describe() => Name;

        protected override Tensor RunAttack(IAttackModel model, Tensor inputs, Criterion criterion) => inputs.Clone();
    }

    /// <summary>Pushes the odd images far outside the box, the even ones not at all.</summary>
    private sealed class Runaway : MinimizationAttack
    {
        public override Distance Distance => Distance.L2;

        public override string Name => "runaway";

        public override string Describe() => Name;

        protected override Tensor RunAttack(IAttackModel model, Tensor inputs, Criterion criterion)
        {
            Tensor x = inputs.Clone();
            int size = inputs.Size / inputs.Shape[0];
            for (int j = 0; j < x.Size; j++)
            {
                if (j / size % 2 == 1)
                {
                    x[j] = j % 2 == 0 ? 5f : -5f;
                }
            }

            return x;
        }
    }
}
