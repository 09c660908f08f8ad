using FoolingCluster.Tensors.Autograd;
using Xunit;

namespace FoolingCluster.Tensors.Tests.Support;

/// <summary>
/// Checks an op's backward against central finite differences of its forward.
/// </summary>
/// <remarks>
/// The objective is <c>L = Σ wᵢ·yᵢ</c> with fixed random weights w, accumulated in double so
/// the reference is limited only by the float32 forward, not by the summation. Each input
/// element is moved by ±h and the slope (L(x+h) − L(x−h)) / 2h compared with the analytic
/// gradient from <see cref="Tape.Grad(Tensor, Tensor[], Tensor?)"/>.
/// </remarks>
public static class GradCheck
{
    /// <summary>
    /// The gradient of <c>Σ seed·op(x)</c> with respect to a fresh input x holding
    /// <paramref name="images"/>: for comparing a fused op's gradient with its parts'.
    /// </summary>
    public static float[] InputGradient(float[] images, int[] shape, Tensor seed, Func<Tensor, Tensor> op)
    {
        Tensor x = Tensor.FromArray(images, shape);
        x.RequiresGrad = true;
        return Tape.Grad(op(x), [x], seed)[0].ToArray();
    }

    /// <summary>Asserts that analytic and numerical gradients agree for every input.</summary>
    /// <param name="op">The op under test; called many times, must be deterministic.</param>
    /// <param name="inputs">Inputs; every one is checked.</param>
    /// <param name="h">Finite-difference step.</param>
    /// <param name="atol">Absolute tolerance.</param>
    /// <param name="rtol">Tolerance relative to the larger of the two gradients' magnitudes.</param>
    /// <param name="seed">Seed of the objective's weights.</param>
    public static void Check(Func<Tensor[], Tensor> op, Tensor[] inputs, double h = 1e-2, double atol = 2e-3, double rtol = 2e-2, int seed = 7)
    {
        foreach (Tensor t in inputs)
        {
            t.RequiresGrad = true;
        }

        Tensor y0 = op(inputs);
        var rng = new Random(seed);
        float[] w = new float[y0.Size];
        for (int i = 0; i < w.Length; i++)
        {
            w[i] = (float)((rng.NextDouble() * 2) - 1);
        }

        Tensor seedGrad = Tensor.FromArray(w, y0.Shape);
        Tensor[] analytic = Tape.Grad(y0, inputs, seedGrad);

        for (int k = 0; k < inputs.Length; k++)
        {
            Tensor x = inputs[k];
            Assert.Equal(x.Shape, analytic[k].Shape);
            for (int i = 0; i < x.Size; i++)
            {
                float saved = x[i];
                x[i] = (float)(saved + h);
                double plus = Objective(op, inputs, w);
                x[i] = (float)(saved - h);
                double minus = Objective(op, inputs, w);
                x[i] = saved;
                double numeric = (plus - minus) / (2 * h);
                double got = analytic[k][i];
                double scale = Math.Max(Math.Abs(numeric), Math.Abs(got));
                Assert.True(
                    Math.Abs(numeric - got) <= atol + (rtol * scale),
                    $"input {k} element {i} of shape {Tensor.ShapeString(x.Shape)}: analytic {got:G6}, numeric {numeric:G6}");
            }
        }
    }

    private static double Objective(Func<Tensor[], Tensor> op, Tensor[] inputs, float[] w)
    {
        using NoGradScope noGrad = NoGradScope.Begin();
        Tensor y = op(inputs);
        double sum = 0;
        ReadOnlySpan<float> ys = y.Span;
        for (int i = 0; i < ys.Length; i++)
        {
            sum += (double)w[i] * ys[i];
        }

        return sum;
    }

    /// <summary>A tensor of uniform values in [lo, hi).</summary>
    public static Tensor Uniform(Random rng, float lo, float hi, params int[] shape)
    {
        Tensor t = Tensor.Empty(shape);
        Span<float> s = t.Span;
        for (int i = 0; i < s.Length; i++)
        {
            s[i] = lo + ((hi - lo) * (float)rng.NextDouble());
        }

        return t;
    }

    /// <summary>Uniform values in [lo, hi) kept at least <paramref name="gap"/> from every kink point.</summary>
    public static Tensor AwayFrom(Random rng, float lo, float hi, float[] kinks, float gap, params int[] shape)
    {
        Tensor t = Uniform(rng, lo, hi, shape);
        Span<float> s = t.Span;
        for (int i = 0; i < s.Length; i++)
        {
            foreach (float k in kinks)
            {
                if (MathF.Abs(s[i] - k) < gap)
                {
                    s[i] = k + (s[i] >= k ? gap : -gap) * 2;
                }
            }
        }

        return t;
    }
}
