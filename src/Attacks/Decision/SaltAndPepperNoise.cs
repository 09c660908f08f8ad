using System.Globalization;
using FoolingCluster.Attacks.Distances;
using FoolingCluster.Tensors;

namespace FoolingCluster.Attacks.Decision;

/// <summary>
/// Salt-and-pepper noise of growing density (Foolbox's <c>SaltAndPepperNoiseAttack</c>): at
/// each step every pixel is set to 1 with probability p/2, to 0 with probability p/2, and left
/// alone otherwise, and p rises by a fixed increment. Each time a draw fools the model with
/// fewer changed values (L0) than the best so far, it is kept and the sweep starts again from
/// p = 0, now up to twice the density that worked, over the steps that remain: repeated tries
/// that settle on the sparsest noise the model falls for.
/// </summary>
/// <remarks>The starting point of the <see cref="PointwiseAttack"/>. One query per input per step.</remarks>
public sealed class SaltAndPepperNoise : DecisionAttack
{
    /// <param name="steps">Noise draws per input, at least 1.</param>
    /// <param name="seed">Seed of the noise.</param>
    public SaltAndPepperNoise(int steps = 1000, int seed = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        Steps = steps;
        Seed = seed;
    }

    /// <summary>Noise draws per input.</summary>
    public int Steps { get; }

    /// <summary>Seed of the noise.</summary>
    public int Seed { get; }

    /// <inheritdoc/>
    public override Distance Distance => Distance.L0;

    /// <inheritdoc/>
    public override string Name => "salt-and-pepper noise";

    /// <inheritdoc/>
    public override string Describe() =>
        string.Create(CultureInfo.InvariantCulture, $"salt-and-pepper noise L0, {Steps} steps, seed {Seed}");

    /// <inheritdoc/>
    protected override Tensor RunAttack(DecisionOracle oracle, Tensor inputs, Tensor? startingPoints)
    {
        int n = inputs.Shape[0];
        int size = Rows.SampleSize(inputs);
        float[] x0 = inputs.ToArray();
        float[] best = inputs.ToArray();
        bool[] clean = oracle.IsAdversarial(inputs);
        double[] bestNorm = clean.Select(a => a ? 0.0 : double.PositiveInfinity).ToArray();
        double[] p = new double[n];
        double[] maxProbability = Enumerable.Repeat(1.0, n).ToArray();
        double[] stepSize = Enumerable.Repeat(1.0 / Steps, n).ToArray();
        var random = new NoiseSource(Seed);
        float[] candidates = new float[n * size];
        Tensor batch = Rows.Wrap(candidates, n, inputs);
        for (int step = 1; step <= Steps; step++)
        {
            for (int i = 0; i < n; i++)
            {
                Span<float> x = Rows.Row(candidates, i, size);
                ReadOnlySpan<float> from = Rows.Row(x0, i, size);
                float half = (float)(p[i] / 2);
                for (int j = 0; j < size; j++)
                {
                    float u = random.NextSingle();
                    x[j] = u >= 1f - half ? 1f : u < half ? 0f : from[j];
                }
            }

            bool[] fooled = oracle.IsAdversarial(batch);
            int remaining = Steps - step;
            for (int i = 0; i < n; i++)
            {
                bool improved = false;
                if (fooled[i])
                {
                    double norm = Distance.Norm(Delta(Rows.Row(candidates, i, size), Rows.Row(x0, i, size)));
                    improved = norm < bestNorm[i];
                    if (improved)
                    {
                        bestNorm[i] = norm;
                        Rows.Row(candidates, i, size).CopyTo(Rows.Row(best, i, size));
                        maxProbability[i] = 2 * p[i];
                        stepSize[i] = remaining > 0 ? maxProbability[i] / remaining : 0;
                    }
                }

                // After an improvement, and at the top of the range, the sweep starts again from zero.
                p[i] = improved || p[i] >= maxProbability[i] ? stepSize[i] : p[i] + stepSize[i];
            }
        }

        return Tensor.FromArray(best, inputs.Shape);
    }

    private static float[] Delta(ReadOnlySpan<float> x, ReadOnlySpan<float> x0)
    {
        float[] delta = new float[x.Length];
        System.Numerics.Tensors.TensorPrimitives.Subtract(x, x0, delta);
        return delta;
    }
}
