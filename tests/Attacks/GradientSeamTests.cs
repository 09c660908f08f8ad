using FoolingCluster.Attacks.Abs;
using FoolingCluster.Models.Abs;
using FoolingCluster.Tensors;
using Xunit;

namespace FoolingCluster.Attacks.Tests;

/// <summary>
/// A network wrapper asked for the gradient of a model that computes its output off the tape
/// (ABS) refuses, rather than returning the zero gradient that makes the model look robust; the
/// shared factory gives ABS estimated gradients instead.
/// </summary>
public class GradientSeamTests
{
    /// <summary>Ten untrained VAEs with the cheapest inference: only the tape matters here.</summary>
    private static AbsModel TinyAbs() =>
        new(Enumerable.Range(0, AbsModel.Classes).Select(c => new ClassVae(c)).ToArray(), new AbsSettings { Samples = 20, Steps = 1 });

    private static Tensor Digit() => Tensor.Full(0.5f, 1, 1, 28, 28);

    [Fact]
    public void The_loss_gradient_of_a_model_off_the_tape_is_refused_not_zero()
    {
        using TensorScope scope = TensorScope.Begin();
        var model = new ModuleAttackModel(TinyAbs());
        var ex = Assert.Throws<InvalidInputException>(() => model.LossGradient(Digit(), [3]));
        Assert.Contains("no exact input gradient", ex.Message);
        Assert.Contains("estimated", ex.Message);
    }

    [Fact]
    public void The_logit_gradients_of_a_model_off_the_tape_are_refused_not_zero()
    {
        using TensorScope scope = TensorScope.Begin();
        var model = new ModuleLogitGradientModel(TinyAbs());
        Assert.Throws<InvalidInputException>(() => model.LossGradient(Digit(), [3]));
        Assert.Throws<InvalidInputException>(() => model.Differentiate(Digit(), (logits, _) => [logits]));
    }

    [Fact]
    public void The_shared_factory_gives_abs_estimated_gradients_that_are_not_zero()
    {
        using TensorScope scope = TensorScope.Begin();
        ILogitGradientModel model = AttackTargets.For(TinyAbs(), probes: 4);
        Assert.IsType<AbsAttackModel>(model);
        Assert.Contains(model.LossGradient(Digit(), [3]).ToArray(), g => g != 0);
        Assert.Equal("ABS has no exact gradients: using gradients estimated from 100 probes", AttackTargets.GradientNote(TinyAbs(), 0));
        Assert.Null(AttackTargets.GradientNote(new Support.TinyNet(1), 0));
    }
}
