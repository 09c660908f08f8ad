using FoolingCluster.Models.Import.Onnx;
using FoolingCluster.Tensors;
using FoolingCluster.Tensors.Autograd;
using Xunit;

namespace FoolingCluster.Models.Onnx.Tests.Support;

/// <summary>
/// Input gradients of an imported ReLU/max-pool network against one-sided finite differences of
/// its forward, for the objective <c>L = Σ wᵢ·yᵢ</c> over the logits (fixed random w, summed in double).
/// </summary>
/// <remarks>
/// Such a network is piecewise linear in its input, so inside a linear piece a one-sided
/// difference equals the gradient exactly (up to float32 rounding). A step large enough to rise
/// above the rounding (h of 1e-3 to 1e-2) often crosses a ReLU or max-pool kink on one side of a pixel,
/// which spoils the central difference; it rarely crosses one on both sides. So the gradient must
/// equal the forward or the backward difference; a wrong gradient equals neither.
/// </remarks>
internal static class FiniteDifferences
{
    /// <summary>
    /// Asserts ∂L/∂x[i] = (L(x+h) − L(x)) / h or (L(x) − L(x−h)) / h within 2e-3 + 2e-2 × the larger magnitude, for each listed element i.
    /// </summary>
    /// <param name="network">The network.</param>
    /// <param name="x">Images <c>[N,C,H,W]</c>; restored after each probe.</param>
    /// <param name="elements">Flat indices into <paramref name="x"/>.</param>
    /// <param name="h">The step.</param>
    /// <returns>The largest |analytic − numeric| over the elements (taking the closer side of each) as a fraction of its bound.</returns>
    public static double CheckInputGradient(OnnxNetwork network, Tensor x, int[] elements, double h)
    {
        x.RequiresGrad = true;
        Tensor y = network.Forward(x);
        var rng = new Random(7);
        float[] w = [.. Enumerable.Range(0, y.Size).Select(_ => (float)((rng.NextDouble() * 2) - 1))];
        Tensor analytic = Tape.Grad(y, [x], Tensor.FromArray(w, y.Shape))[0];
        double worst = 0;
        double centre = Objective(network, x, w);
        foreach (int i in elements)
        {
            float saved = x[i];
            x[i] = (float)(saved + h);
            double plus = Objective(network, x, w);
            x[i] = (float)(saved - h);
            double minus = Objective(network, x, w);
            x[i] = saved;
            double forward = (plus - centre) / h;
            double backward = (centre - minus) / h;
            double got = analytic[i];
            double numeric = Math.Abs(forward - got) <= Math.Abs(backward - got) ? forward : backward;
            double scale = Math.Max(Math.Abs(numeric), Math.Abs(got));
            double bound = 2e-3 + (2e-2 * scale);
            worst = Math.Max(worst, Math.Abs(numeric - got) / bound);
            Assert.True(Math.Abs(numeric - got) <= bound, $"element {i}: analytic {got:G6}, forward difference {forward:G6}, backward {backward:G6}");
        }

        return worst;
    }

    private static double Objective(OnnxNetwork network, Tensor x, float[] w)
    {
        using TensorScope scope = TensorScope.Begin();
        using NoGradScope noGrad = NoGradScope.Begin();
        ReadOnlySpan<float> ys = network.Forward(x).Span;
        double sum = 0;
        for (int i = 0; i < ys.Length; i++)
        {
            sum += (double)w[i] * ys[i];
        }

        return sum;
    }
}
