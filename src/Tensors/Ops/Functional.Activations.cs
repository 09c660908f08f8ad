using System.Numerics.Tensors;
using FoolingCluster.Tensors.Autograd;
using FoolingCluster.Tensors.Kernels;

namespace FoolingCluster.Tensors.Ops;

/// <summary>Activation functions; each records its backward on the tape when inputs need gradients.</summary>
public static partial class Functional
{
    /// <summary><c>max(x, 0)</c>. Backward passes the gradient where the output is positive.</summary>
    public static Tensor Relu(Tensor x)
    {
        Tensor y = Tensor.EmptyLike(x);
        ParallelRanges.Run(y.Size, y.Size, 0, (first, last) => TensorPrimitives.Max(x.Span[first..last], 0f, y.Span[first..last]));
        if (Tape.ShouldRecord(x))
        {
            Tape.Record("relu", y, [x], (g, needs, grads) =>
            {
                Tensor gx = Tensor.EmptyLike(x);
                Activation.ReluBackward(y.Span, g.Span, gx.Span);
                grads[0] = gx;
            });
        }

        return y;
    }

    /// <summary><c>x if x &gt; 0 else alpha·(eᵡ − 1)</c> (Clevert et al. 2016).</summary>
    public static Tensor Elu(Tensor x, float alpha = 1f)
    {
        Tensor y = Tensor.EmptyLike(x);
        Activation.Elu(x.Span, alpha, y.Span);
        if (Tape.ShouldRecord(x))
        {
            Tape.Record("elu", y, [x], (g, needs, grads) =>
            {
                Tensor gx = Tensor.EmptyLike(x);
                Activation.EluBackward(x.Span, y.Span, alpha, g.Span, gx.Span);
                grads[0] = gx;
            });
        }

        return y;
    }

    /// <summary><c>1 / (1 + e⁻ˣ)</c>.</summary>
    public static Tensor Sigmoid(Tensor x)
    {
        Tensor y = Tensor.EmptyLike(x);
        TensorPrimitives.Sigmoid(x.Span, y.Span);
        if (Tape.ShouldRecord(x))
        {
            Tape.Record("sigmoid", y, [x], (g, needs, grads) =>
            {
                Tensor gx = Tensor.EmptyLike(x);
                Activation.SigmoidBackward(y.Span, g.Span, gx.Span);
                grads[0] = gx;
            });
        }

        return y;
    }

    /// <summary>Hyperbolic tangent.</summary>
    public static Tensor Tanh(Tensor x)
    {
        Tensor y = Tensor.EmptyLike(x);
        TensorPrimitives.Tanh(x.Span, y.Span);
        if (Tape.ShouldRecord(x))
        {
            Tape.Record("tanh", y, [x], (g, needs, grads) =>
            {
                Tensor gx = Tensor.EmptyLike(x);
                Activation.TanhBackward(y.Span, g.Span, gx.Span);
                grads[0] = gx;
            });
        }

        return y;
    }
}
