using FoolingCluster.Tensors;
using FoolingCluster.Tensors.NN;
using FoolingCluster.Tensors.Ops;

namespace FoolingCluster.Attacks.Tests.Support;

/// <summary>
/// A linear classifier <c>z = W·x + b</c> on 1×3×4 images with 3 classes. Its decision boundaries
/// are hyperplanes, so the smallest perturbation that changes its decision is known exactly:
/// <c>minₖ (z_y − z_k) / ‖w_y − w_k‖_*</c>, the dual norm being L2 for L2 and L1 for L∞.
/// </summary>
/// <remarks>
/// Weights are uniform in [−1, 1]; the bias makes class 0 lead class 1 by 0.3 and class 2 by 1.5
/// at the grey image 0.5, so images near grey are class 0, a short step from class 1's boundary
/// and far from the box's faces.
/// </remarks>
internal sealed class LinearNet : Module
{
    public const int Pixels = 12;
    public const int Classes = 3;

    private readonly Linear _fc;

    public LinearNet(int seed)
    {
        var rng = new Random(seed);
        _fc = RegisterModule("fc", new Linear(Pixels, Classes, rng));
        Span<float> w = _fc.Weight.Span;
        for (int j = 0; j < w.Length; j++)
        {
            w[j] = (2 * rng.NextSingle()) - 1;
        }

        float[] lead = [0.3f, 0f, -1.2f];
        Span<float> b = _fc.Bias!.Span;
        for (int k = 0; k < Classes; k++)
        {
            float grey = 0;
            for (int j = 0; j < Pixels; j++)
            {
                grey += 0.5f * w[(k * Pixels) + j];
            }

            b[k] = lead[k] - grey;
        }
    }

    public override Tensor Forward(Tensor x) => _fc.Forward(Functional.Flatten(x));

    /// <summary>Images with every value in [0.45, 0.55].</summary>
    public static float[] Images(int count, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, count * Pixels).Select(_ => 0.45f + (0.1f * rng.NextSingle())).ToArray();
    }

    /// <summary>
    /// The exact distance from each image to the nearest decision boundary of its predicted class,
    /// in L2 (<paramref name="l2"/>) or L∞, ignoring the box (which the images are far from).
    /// </summary>
    /// <returns>Each image's predicted class and distance.</returns>
    public (int Class, double Distance)[] NearestBoundary(float[] images, bool l2)
    {
        ReadOnlySpan<float> w = _fc.Weight.Span;
        int n = images.Length / Pixels;
        var result = new (int, double)[n];
        for (int i = 0; i < n; i++)
        {
            double[] z = new double[Classes];
            for (int k = 0; k < Classes; k++)
            {
                z[k] = _fc.Bias!.Span[k];
                for (int j = 0; j < Pixels; j++)
                {
                    z[k] += w[(k * Pixels) + j] * images[(i * Pixels) + j];
                }
            }

            int y = Array.IndexOf(z, z.Max());
            double nearest = double.PositiveInfinity;
            for (int k = 0; k < Classes; k++)
            {
                if (k == y)
                {
                    continue;
                }

                double norm = 0;
                for (int j = 0; j < Pixels; j++)
                {
                    double d = w[(y * Pixels) + j] - w[(k * Pixels) + j];
                    norm += l2 ? d * d : Math.Abs(d);
                }

                nearest = Math.Min(nearest, (z[y] - z[k]) / (l2 ? Math.Sqrt(norm) : norm));
            }

            result[i] = (y, nearest);
        }

        return result;
    }
}
