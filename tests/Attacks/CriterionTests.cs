using FoolingCluster.Attacks.Criteria;
using FoolingCluster.Tensors;
using Xunit;

namespace FoolingCluster.Attacks.Tests;

public class CriterionTests
{
    // Rows predict classes 0, 2, 1 (the first of a tie wins: row 2 ties 1 and 2 at 5).
    private static Tensor Logits() => Tensor.Wrap([3, 1, 0, 0, 1, 4, 0, 5, 5], 3, 3);

    [Fact]
    public void Predictions_are_the_arg_max_of_each_row()
    {
        Assert.Equal([0, 2, 1], Criterion.Predictions(Logits()));
    }

    [Fact]
    public void Misclassification_flags_rows_whose_top_class_is_not_the_label()
    {
        Assert.Equal([false, true, false], new Misclassification([0, 1, 1]).IsAdversarial(Logits()));
    }

    [Fact]
    public void Targeted_misclassification_flags_rows_whose_top_class_is_the_target()
    {
        Assert.Equal([false, true, true], new TargetedMisclassification([2, 2, 1]).IsAdversarial(Logits()));
    }

    [Fact]
    public void Criteria_combine_sample_by_sample()
    {
        Criterion both = new Misclassification([0, 1, 0]).And(new TargetedMisclassification([2, 2, 2]));
        Assert.Equal([false, true, false], both.IsAdversarial(Logits()));
        Assert.Throws<ArgumentException>(() => new Misclassification([0]).And(new Misclassification([0, 1])));
    }

    [Fact]
    public void A_criterion_refuses_logits_for_another_number_of_samples()
    {
        var ex = Assert.Throws<ShapeMismatchException>(() => new Misclassification([0, 1]).IsAdversarial(Logits()));
        Assert.Contains("2 samples", ex.Message);
        Assert.Contains("3 rows", ex.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new TargetedMisclassification([0, -1]));
    }

    [Fact]
    public void Labels_are_copied_so_the_caller_cannot_change_them_afterwards()
    {
        int[] labels = [0, 1, 1];
        var criterion = new Misclassification(labels);
        labels[1] = 2;
        Assert.Equal([false, true, false], criterion.IsAdversarial(Logits()));
    }
}
