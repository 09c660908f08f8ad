using System.Numerics.Tensors;
using FoolingCluster.Tensors.Autograd;

namespace FoolingCluster.Tensors.Ops;

/// <summary>Softmax and log-softmax over the last dimension of <c>[N,K]</c>.</summary>
public static partial class Functional
{
    /// <summary>Softmax over classes: <c>[N,K] → [N,K]</c>, each row sums to 1.</summary>
    public static Tensor Softmax(Tensor logits)
    {
        (int n, int k) = RequireMatrix("softmax", logits, "logits");
        Tensor y = Tensor.EmptyLike(logits);
        for (int i = 0; i < n; i++)
        {
            SoftmaxRow(logits.Span.Slice(i * k, k), y.Span.Slice(i * k, k));
        }

        if (Tape.ShouldRecord(logits))
        {
            Tape.Record("softmax", y, [logits], (g, needs, grads) =>
            {
                // dx = y ⊙ (g − ⟨g, y⟩) per row
                Tensor gx = Tensor.EmptyLike(logits);
                for (int i = 0; i < n; i++)
                {
                    ReadOnlySpan<float> yr = y.Span.Slice(i * k, k);
                    ReadOnlySpan<float> gr = g.Span.Slice(i * k, k);
                    Span<float> outr = gx.Span.Slice(i * k, k);
                    float dot = TensorPrimitives.Dot(gr, yr);
                    TensorPrimitives.Subtract(gr, dot, outr);
                    TensorPrimitives.Multiply(outr, yr, outr);
                }

                grads[0] = gx;
            });
        }

        return y;
    }

    /// <summary>Log-softmax over classes, computed stably as <c>x − max − log Σ e^(x − max)</c>.</summary>
    public static Tensor LogSoftmax(Tensor logits)
    {
        (int n, int k) = RequireMatrix("log_softmax", logits, "logits");
        Tensor y = Tensor.EmptyLike(logits);
        for (int i = 0; i < n; i++)
        {
            LogSoftmaxRow(logits.Span.Slice(i * k, k), y.Span.Slice(i * k, k));
        }

        if (Tape.ShouldRecord(logits))
        {
            Tape.Record("log_softmax", y, [logits], (g, needs, grads) =>
            {
                // dx = g − softmax ⊙ Σ g per row
                Tensor gx = Tensor.EmptyLike(logits);
                for (int i = 0; i < n; i++)
                {
                    ReadOnlySpan<float> yr = y.Span.Slice(i * k, k);
                    ReadOnlySpan<float> gr = g.Span.Slice(i * k, k);
                    Span<float> outr = gx.Span.Slice(i * k, k);
                    float sum = TensorPrimitives.Sum(gr);
                    TensorPrimitives.Exp(yr, outr);
                    TensorPrimitives.MultiplyAdd(outr, -sum, gr, outr);
                }

                grads[0] = gx;
            });
        }

        return y;
    }

    internal static void SoftmaxRow(ReadOnlySpan<float> x, Span<float> y)
    {
        float max = TensorPrimitives.Max(x);
        TensorPrimitives.Subtract(x, max, y);
        TensorPrimitives.Exp(y, y);
        float sum = TensorPrimitives.Sum(y);
        TensorPrimitives.Divide(y, sum, y);
    }

    internal static void LogSoftmaxRow(ReadOnlySpan<float> x, Span<float> y)
    {
        float max = TensorPrimitives.Max(x);
        TensorPrimitives.Subtract(x, max, y);
        double sum = 0;
        foreach (float v in y)
        {
            sum += Math.Exp(v);
        }

        TensorPrimitives.Subtract(y, (float)Math.Log(sum), y);
    }

    private static (int Rows, int Cols) RequireMatrix(string op, Tensor t, string name)
    {
        if (t.Rank != 2 || t.Shape[1] == 0)
        {
            throw new ShapeMismatchException($"{op}: {name} has shape {Tensor.ShapeString(t.Shape)}; expected [N,K] with K ≥ 1");
        }

        return (t.Shape[0], t.Shape[1]);
    }
}
