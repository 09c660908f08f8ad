using FoolingCluster.Tensors.Autograd;
using FoolingCluster.Tensors.Ops;
using Xunit;

namespace FoolingCluster.Tensors.Tests;

public class TapeTests
{
    [Fact]
    public void Input_gradient_leaves_parameter_gradients_untouched()
    {
        Tensor w = Tensor.FromArray([1f, 2f, 3f, 4f], 2, 2);
        w.RequiresGrad = true;
        Tensor x = Tensor.FromArray([0.5f, -1f], 1, 2);
        x.RequiresGrad = true;
        Tensor loss = Functional.Sum(Functional.Linear(x, w, null));
        Tensor gx = Tape.Grad(loss, x);
        Assert.Null(w.Grad);
        Assert.Equal([4f, 6f], gx.ToArray());
    }

    [Fact]
    public void Backward_accumulates_into_leaves_across_calls()
    {
        Tensor w = Tensor.FromArray([2f], 1);
        w.RequiresGrad = true;
        Functional.Sum(Functional.MulScalar(w, 3f)).Backward();
        Functional.Sum(Functional.MulScalar(w, 3f)).Backward();
        Assert.Equal(6f, w.Grad![0]);
    }

    [Fact]
    public void A_tensor_used_twice_receives_both_gradients()
    {
        Tensor a = Tensor.FromArray([3f], 1);
        a.RequiresGrad = true;
        Tensor b = Tensor.FromArray([5f], 1);
        b.RequiresGrad = true;
        // y = (a + b) + a, so dy/da = 2, dy/db = 1, whatever the op hands back.
        Tensor y = Functional.Add(Functional.Add(a, b), a);
        Tensor[] g = Tape.Grad(Functional.Sum(y), [a, b]);
        Assert.Equal(2f, g[0][0]);
        Assert.Equal(1f, g[1][0]);
    }

    [Fact]
    public void No_grad_scope_records_nothing()
    {
        Tensor w = Tensor.FromArray([1f], 1);
        w.RequiresGrad = true;
        using (NoGradScope.Begin())
        {
            Tensor y = Functional.MulScalar(w, 2f);
            Assert.Null(y.Node);
        }

        Assert.NotNull(Functional.MulScalar(w, 2f).Node);
    }

    [Fact]
    public void Scope_returns_intermediates_and_keeps_what_is_kept()
    {
        Tensor kept;
        Tensor dropped;
        using (TensorScope scope = TensorScope.Begin())
        {
            dropped = Tensor.Zeros(10);
            kept = scope.Keep(Tensor.Zeros(10));
        }

        Assert.True(dropped.IsDisposed);
        Assert.False(kept.IsDisposed);
    }

    [Fact]
    public void Parameter_gradients_outlive_the_step_scope()
    {
        Tensor w = Tensor.Wrap([1f, 2f], 2);
        w.RequiresGrad = true;
        using (TensorScope.Begin())
        {
            Functional.Sum(Functional.Square(w)).Backward();
        }

        Assert.False(w.Grad!.IsDisposed);
        Assert.Equal([2f, 4f], w.Grad.ToArray());
    }
}
